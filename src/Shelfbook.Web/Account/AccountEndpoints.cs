using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using System.Text.Json.Nodes;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;

namespace Shelfbook.Web.Account;

/// <summary>
/// Sign-in, sign-out and the language switch. These are plain form posts and redirects, not Blazor
/// events: a cookie can only be set on an HTTP response.
/// </summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", SignInAsync).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/account/logout", async (SignInManager<ShelfbookUser> signIn, IAntiforgery antiforgery, HttpContext http) =>
        {
            // Already signed out (the session ended while the page stood open): nothing to do but show the sign-in page.
            if (http.User.Identity?.IsAuthenticated != true) return Results.LocalRedirect("~/login");
            // No form is bound here, so the framework does not check the token by itself: another site must not sign users out.
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
            await signIn.SignOutAsync();
            return Results.LocalRedirect("~/login");
        }).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();

        app.MapGet("/culture", (string? name, string? redirect, HttpContext context) =>
        {
            var culture = WebSetup.Cultures.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? WebSetup.Cultures[0];
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax });
            return Results.LocalRedirect(SafeReturn(redirect));
        }).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> SignInAsync(
        [FromForm] SignInForm form, SignInManager<ShelfbookUser> signIn, ControlDbContext control, TimeProvider time, HttpContext http)
    {
        var returnUrl = SafeReturn(form.ReturnUrl);
        var tenantText = form.Company?.Trim() ?? "";
        string Back(string error) => $"/login?error={error}&company={Uri.EscapeDataString(tenantText)}&user={Uri.EscapeDataString(form.User ?? "")}&returnUrl={Uri.EscapeDataString(returnUrl)}";

        if (!TenantCode.TryParse(tenantText, out var tenant) || string.IsNullOrWhiteSpace(form.User) || string.IsNullOrEmpty(form.Password))
            return Results.LocalRedirect(Back("invalid"));

        // One message for every wrong combination (and for deactivated users and tenants, which the sign-in
        // manager refuses), so the form does not reveal which companies or users exist.
        var user = await signIn.UserManager.FindByNameAsync(ShelfbookUser.UserNameFor(tenant.Value, form.User));
        if (user is null) return Results.LocalRedirect(Back("invalid"));

        var result = await signIn.PasswordSignInAsync(user, form.Password, form.Remember, lockoutOnFailure: true);
        var outcome = result.Succeeded ? "sign_in" : result.IsLockedOut ? "sign_in_locked" : result.IsNotAllowed ? "sign_in_refused" : "sign_in_failed";
        await LogSignInAsync(control, time, http, user, outcome);
        if (result.Succeeded) return Results.LocalRedirect(returnUrl);
        return Results.LocalRedirect(Back(result.IsLockedOut ? "locked" : "invalid"));
    }

    /// <summary>
    /// The sign-in log (登录日志) a seller checks when something looks wrong: who signed in, or tried to, from where.
    /// Failures are logged only for users that exist, under that user, so the log stays within its tenant.
    /// </summary>
    private static async Task LogSignInAsync(ControlDbContext control, TimeProvider time, HttpContext http, ShelfbookUser user, string outcome)
    {
        var address = http.Connection.RemoteIpAddress?.ToString();
        control.AuditEntries.Add(new ControlAuditEntry
        {
            TenantId = user.TenantId,
            At = time.StoredUtcNow(),
            UserId = user.Id,
            UserName = user.DisplayName,
            Category = AuditCategory.System,
            EntityType = "user",
            EntityId = user.Id.ToString(),
            Action = outcome,
            Changes = new JsonObject { ["address"] = new JsonArray(null, address) }.ToJsonString(),
        });
        await control.SaveChangesAsync();
    }

    /// <summary>Only a path on this site; anything else (another host, control characters) goes to the dashboard.</summary>
    public static string SafeReturn(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
        && !url.Any(char.IsControl)
            ? url
            : "/";

    public sealed class SignInForm
    {
        public string? Company { get; set; }
        public string? User { get; set; }
        public string? Password { get; set; }
        public bool Remember { get; set; }
        public string? ReturnUrl { get; set; }
    }
}
