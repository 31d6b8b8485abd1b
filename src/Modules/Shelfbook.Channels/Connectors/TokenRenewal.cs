using System.Collections.Concurrent;

namespace Shelfbook.Channels.Connectors;

/// <summary>
/// Renewing a shop's expired access token with its refresh token (Taobao, Pinduoduo, JD, Douyin), where the platform
/// rotates the refresh token on every renewal. A call that fails because the token expired is renewed once and made
/// again. Renewals of one shop are taken one at a time in this process, and the stored credentials are read first:
/// when another worker (or node) has renewed them already, those are used instead of spending the refresh token a
/// second time. A renewal the platform refuses is an authorization failure naming both refusals, so the shop asks for
/// authorization again.
/// </summary>
public static class TokenRenewal
{
    private static readonly ConcurrentDictionary<Guid, SemaphoreSlim> Gates = new();

    /// <summary>
    /// <paramref name="call"/>; when it fails as <paramref name="expired"/> says and the shop has a refresh token, the
    /// tokens <paramref name="renew"/> answers (from the refresh token in the context's credentials) are stored and the
    /// call is made once more.
    /// </summary>
    public static async Task<T> CallAsync<T>(ConnectorContext context, Func<Task<T>> call, Func<PlatformCallException, bool> expired,
        Func<Task<IReadOnlyDictionary<string, string>>> renew, CancellationToken ct)
    {
        var used = context.Credentials.Values.GetValueOrDefault("refresh_token");
        try
        {
            return await call();
        }
        catch (PlatformCallException e) when (used is not null && expired(e))
        {
            await RenewAsync(context, used, e, renew, ct);
            return await call();
        }
    }

    private static async Task RenewAsync(ConnectorContext context, string used, PlatformCallException expired,
        Func<Task<IReadOnlyDictionary<string, string>>> renew, CancellationToken ct)
    {
        var gate = Gates.GetOrAdd(context.ShopId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (await RenewedElsewhereAsync(context, used, ct)) return;
            IReadOnlyDictionary<string, string> renewed;
            try
            {
                renewed = await renew();
            }
            catch (PlatformCallException refused) when (refused.Failure is PlatformFailure.Authorization or PlatformFailure.Request)
            {
                if (await RenewedElsewhereAsync(context, used, ct)) return;
                throw new PlatformCallException(PlatformFailure.Authorization, refused.Code,
                    $"{expired.Message} Renewing the token with the shop's refresh token was refused too: {refused.Message}");
            }
            var values = new Dictionary<string, string>(context.Credentials.Values, StringComparer.Ordinal);
            foreach (var (name, value) in renewed) values[name] = value;
            context.Credentials.Replace(values);
            if (context.SaveCredentials is { } save) await save(values, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Whether the stored credentials carry another refresh token than the one this call used: then they are taken.</summary>
    private static async Task<bool> RenewedElsewhereAsync(ConnectorContext context, string used, CancellationToken ct)
    {
        if (context.ReloadCredentials is null || await context.ReloadCredentials(ct) is not { } stored) return false;
        if (stored.GetValueOrDefault("refresh_token") is not { } current || current == used) return false;
        context.Credentials.Replace(stored);
        return true;
    }
}
