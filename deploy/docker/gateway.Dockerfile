# Stand-alone gateway image (an Orleans client): build from the repository root with
#   docker build -f deploy/docker/gateway.Dockerfile -t marketing-actors/gateway .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Gateway -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080 \
    MarketingActors__Client__Clustering=AdoNet
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "MarketingActors.Gateway.dll"]
