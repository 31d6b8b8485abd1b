using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Connectors;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Channels.Features.AuthorizeShops;

public sealed record AuthorizationRequest(Dictionary<string, string?>? Values, string? RedirectUri);

public sealed record AuthorizationStarted(Uri ConsentUrl);

/// <summary>
/// What the platform sent back: the state and a code, or an error (the return address travels inside the state); with
/// <see cref="Parameters"/>, every other parameter of the return address (Amazon sends its code as
/// <c>spapi_oauth_code</c> and the seller id as <c>selling_partner_id</c>).
/// </summary>
public sealed record AuthorizationCompletion(
    string? State, string? Code, string? Error = null, string? ErrorDescription = null, Dictionary<string, string?>? Parameters = null);

/// <summary>
/// 店铺授权: the platform's own consent flow (OAuth authorization code) where it has one. Start keeps the app's
/// credentials aside for the shop (encrypted; the working credentials stay until the exchange succeeds) and answers the
/// platform's consent page with a state naming the shop, the user, the return address and a nonce, protected by Data
/// Protection and good for 15 minutes; the platform sends the seller back with a code, which Complete exchanges for
/// the shop's tokens — only for the user who started, only for the round trip under way (a newer start or a completed
/// one makes the state stale), and only once the state reads back unchanged.
/// </summary>
public sealed class AuthorizeShop(
    TenantDbContext db, ConnectorRegistry connectors, ConnectionSecrets secrets, ShopLinks links, IDataProtectionProvider protection, CurrentUser user)
{
    private static readonly TimeSpan StateLife = TimeSpan.FromMinutes(15);

    private sealed record ConsentState(Guid ShopId, Guid? UserId, string Nonce, string RedirectUri);

    private ITimeLimitedDataProtector Protector => protection.CreateProtector("Shelfbook.Channels.Consent").ToTimeLimitedDataProtector();

    public async Task<AuthorizationStarted> StartAsync(Guid shopId, AuthorizationRequest request, CancellationToken ct)
    {
        var (shop, flow) = await FlowAsync(shopId, ct);
        var check = new InputCheck();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in flow.AppCredentialNames)
        {
            var value = request.Values?.GetValueOrDefault(name)?.Trim();
            if (string.IsNullOrEmpty(value)) check.Add($"values.{name}", "required", $"{name} is required for {shop.Platform}.", name);
            else if (value.Length > 2000) check.Add($"values.{name}", "too_long", $"{name} is longer than 2000 characters.", name, 2000);
            else values[name] = value;
        }
        foreach (var name in request.Values?.Keys ?? Enumerable.Empty<string>())
            if (!flow.AppCredentialNames.Contains(name))
                check.Add($"values.{name}", "unknown_credential", $"Before consent {shop.Platform} takes {string.Join(", ", flow.AppCredentialNames)}.", name);
        var redirect = RedirectUri(request.RedirectUri, check);
        check.ThrowIfAny();

        var now = db.Time.StoredUtcNow();
        var connection = await db.Set<ShopConnection>().SingleOrDefaultAsync(c => c.ShopId == shopId, ct);
        if (connection is null) db.Set<ShopConnection>().Add(connection = ShopConnection.Create(shopId, now));
        var nonce = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        connection.AwaitConsent(secrets.Protect(shopId, values), nonce, now);
        await db.SaveChangesAsync(ct);
        var link = await links.OpenAsync(shopId, secrets.ReadPending, ct);
        var state = Protector.Protect(JsonSerializer.Serialize(new ConsentState(shopId, user.UserId, nonce, redirect)), StateLife);
        return new AuthorizationStarted(flow.ConsentUrl(link.Context, redirect, state));
    }

    /// <summary>The seller is back from the platform: the code becomes the shop's tokens, or the platform's refusal is said.</summary>
    public async Task<ShopConnectionView> CompleteAsync(AuthorizationCompletion completion, CancellationToken ct)
    {
        var check = new InputCheck();
        ConsentState? consent = null;
        try
        {
            consent = JsonSerializer.Deserialize<ConsentState>(Protector.Unprotect(completion.State ?? ""));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            check.Add("state", "invalid", "The authorization link is not valid or has expired (15 minutes); start the authorization again.");
        }
        if (consent is not null && consent.UserId != user.UserId)
            check.Add("state", "other_user", "This authorization was started by another user.");
        check.ThrowIfAny();
        var (shop, flow) = await FlowAsync(consent!.ShopId, ct);
        var connection = await db.Set<ShopConnection>().SingleOrDefaultAsync(c => c.ShopId == shop.Id, ct);
        if (connection?.ConsentNonce is null || !string.Equals(connection.ConsentNonce, consent.Nonce, StringComparison.Ordinal))
            throw new InputRejectedException("state", "stale", "This authorization is already completed or was started again since; start it again if the shop is not linked.");
        var now = db.Time.StoredUtcNow();
        if (completion.Error is { Length: > 0 } error)
        {
            connection.EndConsent(now);
            await db.SaveChangesAsync(ct);
            throw new RuleViolatedException("connection.consent_refused", $"{shop.Platform} did not grant access: {error} {completion.ErrorDescription}".TrimEnd(),
                error, completion.ErrorDescription ?? "");
        }
        var returned = (completion.Parameters ?? []).Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
        var code = string.IsNullOrWhiteSpace(completion.Code) ? returned.GetValueOrDefault(flow.CodeParameter) : completion.Code;
        if (string.IsNullOrWhiteSpace(code)) throw new InputRejectedException("code", "required", $"The platform sent no authorization code ({flow.CodeParameter}).");

        var link = await links.OpenAsync(shop.Id, secrets.ReadPending, ct);
        IReadOnlyDictionary<string, string> tokens;
        try
        {
            tokens = await flow.ExchangeAsync(link.Context, code, consent.RedirectUri, returned, ct);
        }
        catch (PlatformCallException e)
        {
            throw new RuleViolatedException("connection.consent_refused", $"{shop.Platform} refused the authorization code: {e.Message}", e.Code, e.Message);
        }
        var values = flow.AppCredentialNames.ToDictionary(n => n, n => link.Context.Credentials.Require(n), StringComparer.Ordinal);
        foreach (var (name, value) in tokens) values[name] = value;
        var missing = link.Connector.CredentialNames.Where(n => !values.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            throw new RuleViolatedException("connection.consent_incomplete", $"{shop.Platform} granted access but Shelfbook still lacks {string.Join(", ", missing)}.",
                string.Join(", ", missing));
        connection.SetCredentials(values.Keys, secrets.Protect(shop.Id, values), now);
        connection.EndConsent(now);
        await db.SaveChangesAsync(ct);
        await PushStock.PushStock.ResumeAsync(db, shop.Id, ct);
        return await new ManageConnections.ManageConnections(db, connectors, secrets, user).GetAsync(shop.Id, ct);
    }

    private async Task<(ShopSummary Shop, IConsentFlow Flow)> FlowAsync(Guid shopId, CancellationToken ct)
    {
        var shop = await ShopQueries.Summaries(db).SingleOrDefaultAsync(s => s.Id == shopId, ct) ?? throw new NotFoundException("shop", shopId);
        return connectors.For(shop.Platform) is IConsentFlow flow
            ? (shop, flow)
            : throw new RuleViolatedException("connection.no_consent", $"{shop.Platform} has no consent page; enter the shop's credentials instead.", shop.Platform.ToString());
    }

    /// <summary>Where the platform sends the seller back: an absolute https address (plain http only to this machine).</summary>
    private static string RedirectUri(string? value, InputCheck check)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            check.Add("redirectUri", "invalid_url", "redirectUri must be an absolute https address (plain http only on this machine).");
            return "";
        }
        return uri.ToString();
    }
}
