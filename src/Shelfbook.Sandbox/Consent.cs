using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Shelfbook.Sandbox;

/// <summary>
/// What one platform's consent page needs: its name, the query parameter naming the app, whether the app is known,
/// how a seller's agreement is granted (the seller is found by name for the app, or made), and how the code travels back.
/// </summary>
/// <param name="Grant">Finds or makes the seller <c>(state, app, seller name)</c> and answers the extra parameters the platform sends back with the code (Amazon's <c>selling_partner_id</c>).</param>
public sealed record ConsentSpec(
    string Platform,
    string Title,
    string AppParameter,
    Func<SandboxState, string, bool> KnownApp,
    Func<SandboxState, string, string, IReadOnlyDictionary<string, string>> Grant,
    string CodeParameter = "code");

/// <summary>Authorization codes a consent page handed out: single use, five minutes, for one platform, app and return address.</summary>
public sealed class ConsentCodes
{
    private static readonly TimeSpan Life = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, (string Platform, string App, string Seller, string RedirectUri, DateTime Until)> _codes = new(StringComparer.Ordinal);

    public string Issue(string platform, string app, string seller, string redirectUri, DateTime now)
    {
        var code = $"{platform[..2]}-code-{Guid.NewGuid():N}";
        lock (_codes) _codes[code] = (platform, app, seller, redirectUri, now + Life);
        return code;
    }

    /// <summary>The seller the code was granted for, once; null when the code is unknown, used, expired, another platform's or another app's, or was sent to another return address (when one is given).</summary>
    public string? Redeem(string platform, string? code, string app, string? redirectUri, DateTime now)
    {
        lock (_codes)
        {
            if (code is null || !_codes.Remove(code, out var granted)) return null;
            return granted.Platform == platform && granted.App == app && granted.Until >= now && (redirectUri is null || redirectUri == granted.RedirectUri)
                ? granted.Seller
                : null;
        }
    }
}

/// <summary>
/// The consent page of a platform, as a seller sees it: the app asking for access, the seller's account name, agree or
/// decline. Agreeing sends the seller back to the app's return address with a code and the state; declining, with
/// <c>error=access_denied</c>. The form posts back every parameter the page was opened with.
/// </summary>
public static class ConsentPages
{
    public static void Map(WebApplication app, string path, ConsentSpec spec)
    {
        app.MapGet(path, (HttpContext http, SandboxState state) => Page(http, path, spec, state));
        app.MapPost(path, (HttpContext http, SandboxState state) => AnswerAsync(http, spec, state)).DisableAntiforgery();
    }

    private static IResult Page(HttpContext http, string path, ConsentSpec spec, SandboxState state)
    {
        var query = http.Request.Query;
        var appId = query[spec.AppParameter].ToString();
        if (!spec.KnownApp(state, appId) || !Uri.TryCreate(query["redirect_uri"].ToString(), UriKind.Absolute, out _))
            return Results.Content($"<html><body><h1>invalid_request</h1><p>unknown {spec.AppParameter}, or redirect_uri missing</p></body></html>", "text/html", statusCode: 400);
        var hidden = string.Concat(query.Where(q => q.Key is not ("seller" or "decision"))
            .Select(q => $"""<input type="hidden" name="{WebUtility.HtmlEncode(q.Key)}" value="{WebUtility.HtmlEncode(q.Value.ToString())}">"""));
        var html = $"""
            <!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(spec.Title)}</title></head>
            <body style="font-family:sans-serif;max-width:520px;margin:40px auto">
            <h1>{WebUtility.HtmlEncode(spec.Title)}</h1><p>应用 Application <b>{WebUtility.HtmlEncode(appId)}</b> 申请读取订单、回传物流、同步库存 asks to read your orders, confirm shipments and update stock.</p>
            <form method="post" action="{WebUtility.HtmlEncode(http.Request.PathBase + path)}">{hidden}
            <label>店铺账号 Seller account <input name="seller" value="sandbox-seller" data-testid="consent-seller"></label>
            <p><button name="decision" value="agree" data-testid="consent-agree">同意授权 Agree</button>
            <button name="decision" value="decline" data-testid="consent-decline">拒绝 Decline</button></p>
            </form></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, ConsentSpec spec, SandboxState state)
    {
        var form = await http.Request.ReadFormAsync();
        var (appId, redirect, stateValue, name) = (form[spec.AppParameter].ToString(), form["redirect_uri"].ToString(), form["state"].ToString(), form["seller"].ToString());
        if (!Uri.TryCreate(redirect, UriKind.Absolute, out _)) return Results.BadRequest("redirect_uri must be absolute");
        var separator = redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        if (form["decision"] != "agree")
            return Results.Redirect($"{redirect}{separator}error=access_denied&error_description={Uri.EscapeDataString("The user declined the consent")}&state={Uri.EscapeDataString(stateValue)}");
        if (!spec.KnownApp(state, appId)) return Results.BadRequest($"unknown {spec.AppParameter}");
        name = name.Trim().Length == 0 ? "sandbox-seller" : name.Trim();
        var extra = spec.Grant(state, appId, name);
        var code = state.Consents.Issue(spec.Platform, appId, name, redirect, state.Clock.GetUtcNow().UtcDateTime);
        state.Count(spec.Platform + ":consent");
        var back = string.Concat(extra.Select(p => $"&{p.Key}={Uri.EscapeDataString(p.Value)}"));
        return Results.Redirect($"{redirect}{separator}{spec.CodeParameter}={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(stateValue)}{back}");
    }

    /// <summary>A new token for a platform: its prefix and 32 hex digits.</summary>
    public static string Token(string prefix) => prefix + Guid.NewGuid().ToString("N");
}
