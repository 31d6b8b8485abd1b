using Shelfbook.Kernel;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shelfbook.Data.Control;

namespace Shelfbook.Platform.Identity;

public static class ApiTokenSecret
{
    public const string Scheme = "ApiToken";
    public const string Marker = "sbk_";

    /// <summary>A new secret: <c>sbk_</c> and 32 random bytes, URL-safe.</summary>
    public static string Generate() =>
        Marker + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>SHA-256 is enough here: the secret has 256 random bits, so no slow hash is needed against guessing.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

/// <summary>
/// Authenticates <c>Authorization: Bearer sbk_…</c>. An unknown, revoked or expired token, or one whose
/// user is inactive or locked out, fails with 401.
/// </summary>
public sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ControlDbContext control, SignInManager<ShelfbookUser> signIn, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var secret = header["Bearer ".Length..].Trim();
        if (!secret.StartsWith(ApiTokenSecret.Marker, StringComparison.Ordinal)) return AuthenticateResult.Fail("Not a Shelfbook API token.");

        var hash = ApiTokenSecret.Hash(secret);
        var now = time.StoredUtcNow();
        var token = await control.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Hash == hash, Context.RequestAborted);
        if (token is null) return AuthenticateResult.Fail("Unknown API token.");
        if (token.RevokedAt is not null) return AuthenticateResult.Fail("The API token was revoked.");
        if (token.ExpiresAt <= now) return AuthenticateResult.Fail("The API token has expired.");

        // The same rules as a password sign-in: active user, active tenant, not locked out.
        var user = await signIn.UserManager.FindByIdAsync(token.UserId.ToString());
        if (user is null || !await signIn.CanSignInAsync(user) || await signIn.UserManager.IsLockedOutAsync(user))
            return AuthenticateResult.Fail("The token's user cannot sign in.");

        // Written at most once a minute per token, so a busy integration does not write on every call.
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(1))
            await control.ApiTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);

        var principal = await signIn.ClaimsFactory.CreateAsync(user);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}
