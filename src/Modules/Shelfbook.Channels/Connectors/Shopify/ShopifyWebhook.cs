using System.Security.Cryptography;
using System.Text;

namespace Shelfbook.Channels.Connectors.Shopify;

/// <summary>Shopify webhook authentication (platform-apis.md §7): base64(HMAC-SHA256(raw body, client secret)), compared in constant time.</summary>
public static class ShopifyWebhook
{
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static bool Verify(ReadOnlySpan<byte> body, string secret, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(body, secret)), Encoding.ASCII.GetBytes(header));
}
