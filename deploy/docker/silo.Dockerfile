# Silo image: build from the repository root with
#   docker build -f deploy/docker/silo.Dockerfile -t marketing-actors/silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080 \
    MarketingActors__Silo__Mode=Cluster \
    MarketingActors__Silo__AdvertisedAddress=auto
EXPOSE 8080 11111 30000
USER app
ENTRYPOINT ["dotnet", "MarketingActors.Silo.dll"]
