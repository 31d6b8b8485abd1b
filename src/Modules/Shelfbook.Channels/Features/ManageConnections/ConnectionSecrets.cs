using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Shelfbook.Channels.Connectors;
using Shelfbook.Channels.Domain;

namespace Shelfbook.Channels.Features.ManageConnections;

/// <summary>
/// Shop credentials at rest: JSON protected by ASP.NET Data Protection (the installation's key ring, kept in the control
/// database), bound to the shop, so a value copied to another shop's row does not open.
/// </summary>
public sealed class ConnectionSecrets(IDataProtectionProvider protection)
{
    private IDataProtector For(Guid shopId) => protection.CreateProtector("Shelfbook.Channels.Credentials", shopId.ToString("N"));

    public string Protect(Guid shopId, IReadOnlyDictionary<string, string> values) => For(shopId).Protect(JsonSerializer.Serialize(values));

    public ShopCredentials Read(ShopConnection connection) => Read(connection.ShopId, connection.ProtectedCredentials);

    /// <summary>The app's credentials kept while the seller is on the platform's consent page.</summary>
    public ShopCredentials ReadPending(ShopConnection connection) => Read(connection.ShopId, connection.PendingCredentials);

    private ShopCredentials Read(Guid shopId, string? protectedValue)
    {
        if (protectedValue is null)
            throw new PlatformCallException(PlatformFailure.Authorization, "no_credentials", "The shop has no credentials yet.");
        try
        {
            return new ShopCredentials(JsonSerializer.Deserialize<Dictionary<string, string>>(For(shopId).Unprotect(protectedValue))!);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new PlatformCallException(PlatformFailure.Authorization, "credentials_unreadable",
                "The shop's stored credentials cannot be decrypted (the key ring changed); enter them again.", inner: e);
        }
    }
}
