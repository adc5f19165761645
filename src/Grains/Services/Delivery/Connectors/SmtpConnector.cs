using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MarketingActors.Core.Delivery;
using MarketingActors.Delivery;
using MimeKit;

namespace MarketingActors.Services.Delivery.Connectors;

/// <summary>
/// Email through an SMTP relay (MailKit). Every message carries the RFC 8058 one-click
/// unsubscribe pair (<c>List-Unsubscribe</c> with the engine's signed link and
/// <c>List-Unsubscribe-Post: List-Unsubscribe=One-Click</c>) and a Message-Id made from the
/// decision id, so a relay or inbox can recognise a retried message. A 5xx reply is permanent, a
/// 4xx reply or a broken connection is retried.
/// </summary>
public sealed class SmtpConnector(ConnectorDirectory connectors) : IChannelConnector
{
    public const string DecisionHeader = "X-MarketingActors-Decision";

    public string Type => ConnectorTypes.Smtp;

    public async Task<SendOutcome> Send(DeliveryOrder order, ConnectorSettings settings, CancellationToken cancellation)
    {
        if (order.Address is null || !MailboxAddress.TryParse(order.Address, out var to)) return SendOutcome.Permanent(DeliveryReasons.AddressMissing, "the customer has no valid email trait");
        if (order.Message is not { Subject: not null } m || m.Text is null && m.Html is null) return SendOutcome.Permanent(DeliveryReasons.ContentMissing, "the action has no subject and body for email");
        var message = Message(order, m, MailboxAddress.Parse(settings.From!), to, connectors.UnsubscribeUrl(order.CustomerId, order.Channel, order.DecisionId));
        using var client = new SmtpClient();
        try
        {
            var security = settings.Security switch
            {
                "tls" => SecureSocketOptions.SslOnConnect,
                "starttls" => SecureSocketOptions.StartTls,
                _ => SecureSocketOptions.None,
            };
            await client.ConnectAsync(settings.Host!, settings.Port, security, cancellation);
            if (settings.Username is not null) await client.AuthenticateAsync(settings.Username, settings.Password ?? "", cancellation);
            await client.SendAsync(message, cancellation);
            await client.DisconnectAsync(quit: true, cancellation);
            return SendOutcome.Accepted;
        }
        catch (SmtpCommandException e)
        {
            var code = (int)e.StatusCode;
            return code >= 500 ? SendOutcome.Permanent(DeliveryReasons.Rejected, e.Message, code) : SendOutcome.Transient(e.Message, code);
        }
        catch (Exception e) when (e is AuthenticationException or NotSupportedException)
        {
            // Wrong credentials, or credentials for a relay that offers no authentication: the operator's to fix, then retry.
            return SendOutcome.Permanent(DeliveryReasons.Rejected, "SMTP authentication failed: " + e.Message);
        }
        catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or SslHandshakeException or ServiceNotConnectedException)
        {
            return SendOutcome.Transient(e.Message);
        }
    }

    public static MimeMessage Message(DeliveryOrder order, RenderedMessage m, MailboxAddress from, MailboxAddress to, string? unsubscribeUrl)
    {
        var message = new MimeMessage { Subject = m.Subject ?? "" };
        message.From.Add(from);
        message.To.Add(to);
        message.MessageId = $"{order.DecisionId}@{from.Domain}";
        message.Headers.Add(DecisionHeader, order.DecisionId);
        if (order.Locale is not null) message.Headers.Add(HeaderId.ContentLanguage, order.Locale);
        if (unsubscribeUrl is not null)
        {
            message.Headers.Add("List-Unsubscribe", $"<{unsubscribeUrl}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        message.Body = new BodyBuilder { TextBody = m.Text, HtmlBody = m.Html }.ToMessageBody();
        return message;
    }
}
