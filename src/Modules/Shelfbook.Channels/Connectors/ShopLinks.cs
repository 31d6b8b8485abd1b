using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Connectors;

/// <summary>A shop ready to call its platform: the catalog's shop, its link, its connector and the call context.</summary>
public sealed record ShopLink(ShopSummary Shop, ShopConnection Connection, IPlatformConnector Connector, ConnectorContext Context);

/// <summary>Opens a shop's link to its platform: the connector for its platform, its API address and its decrypted credentials.</summary>
public sealed class ShopLinks(TenantDbContext db, ConnectorRegistry connectors, ConnectionSecrets secrets, IHttpClientFactory http)
{
    /// <summary>
    /// The shop's link; an unsupported platform is a <see cref="Shelfbook.Kernel.RuleViolatedException"/>, missing or
    /// unreadable credentials a <see cref="PlatformCallException"/> of kind Authorization.
    /// </summary>
    public Task<ShopLink> OpenAsync(Guid shopId, CancellationToken ct) => OpenAsync(shopId, secrets.Read, ct);

    /// <summary>The shop's link with the credentials <paramref name="credentials"/> reads (the consent flow's pending ones).</summary>
    public async Task<ShopLink> OpenAsync(Guid shopId, Func<ShopConnection, ShopCredentials> credentials, CancellationToken ct)
    {
        var shop = await ShopQueries.Summaries(db).SingleAsync(s => s.Id == shopId, ct);
        var connection = await db.Set<ShopConnection>().AsNoTracking().SingleAsync(c => c.ShopId == shopId, ct);
        var connector = connectors.For(shop.Platform);
        var context = new ConnectorContext(shopId, http.CreateClient(ChannelsModule.HttpClientName),
            new Uri(connection.ApiBaseUrl ?? connector.DefaultBaseUrl.ToString()), credentials(connection), db.Time)
        {
            SaveCredentials = (values, token) => SaveAsync(shopId, values, token),
            ReloadCredentials = token => ReloadAsync(shopId, credentials, token),
        };
        return new ShopLink(shop, connection, connector, context);
    }

    private async Task<IReadOnlyDictionary<string, string>?> ReloadAsync(Guid shopId, Func<ShopConnection, ShopCredentials> credentials, CancellationToken ct)
    {
        var connection = await db.Set<ShopConnection>().AsNoTracking().SingleOrDefaultAsync(c => c.ShopId == shopId, ct);
        try
        {
            return connection is null ? null : credentials(connection).Values;
        }
        catch (PlatformCallException)
        {
            return null;
        }
    }

    /// <summary>Rotated tokens replace the stored credentials at once (one statement), whatever else the caller has pending.</summary>
    private async Task SaveAsync(Guid shopId, IReadOnlyDictionary<string, string> values, CancellationToken ct)
    {
        var (sealedValues, names, now) = (secrets.Protect(shopId, values), string.Join(",", values.Keys.Order(StringComparer.Ordinal)), db.Time.StoredUtcNow());
        await db.Set<ShopConnection>().Where(c => c.ShopId == shopId).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.ProtectedCredentials, sealedValues).SetProperty(c => c.CredentialNames, names).SetProperty(c => c.CredentialsChangedAt, now), ct);
    }
}
