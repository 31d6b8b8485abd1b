using System.Collections.Concurrent;

namespace Shelfbook.Channels.Connectors;

/// <summary>
/// Short-lived access tokens a connector gets by exchanging a shop's long-lived refresh token (Amazon LWA, eBay OAuth),
/// kept in memory per shop and refresh token until five minutes before they expire, so a sync does not ask for a new
/// one on every call. A token the platform refuses is dropped and fetched again once.
/// </summary>
public sealed class AccessTokens
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Until)> _tokens = new(StringComparer.Ordinal);

    public async Task<string> GetAsync(ConnectorContext context, string refreshToken, Func<Task<(string Token, TimeSpan Life)>> fetch)
    {
        var key = Key(context, refreshToken);
        if (_tokens.TryGetValue(key, out var held) && held.Until > context.Time.GetUtcNow()) return held.Token;
        var (token, life) = await fetch();
        _tokens[key] = (token, context.Time.GetUtcNow() + (life > Margin * 2 ? life - Margin : life / 2));
        return token;
    }

    public void Forget(ConnectorContext context, string refreshToken) => _tokens.TryRemove(Key(context, refreshToken), out _);

    private static string Key(ConnectorContext context, string refreshToken) =>
        $"{context.ShopId:N}|{context.BaseUrl}|{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(refreshToken)))}";
}
