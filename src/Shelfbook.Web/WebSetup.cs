using System.Globalization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;
using Scalar.AspNetCore;
using Shelfbook.Data.Control;
using Shelfbook.Platform;
using Shelfbook.Platform.Api;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Modules;
using Shelfbook.Platform.Tenancy;
using Shelfbook.Web.Account;
using Shelfbook.Web.Components;

namespace Shelfbook.Web;

/// <summary>How the host is assembled: services, then the request pipeline and endpoints.</summary>
public static class WebSetup
{
    public const string SmartScheme = "Shelfbook";

    /// <summary>The UI's languages; the first is the default.</summary>
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en-US")];

    // API clients often send a bare "en" or "zh".
    private static readonly CultureInfo[] AcceptedCultures = [.. Cultures, new("en"), new("zh")];

    public static void AddShelfbookWeb(this WebApplicationBuilder builder, ModuleSet modules)
    {
        var services = builder.Services;
        services.AddShelfbookCore(builder.Configuration, modules)
            .AddSignInManager<ShelfbookSignInManager>()
            .AddDefaultTokenProviders();
        services.AddHostedService<BootstrapOnStart>();
        services.AddHostedService<DemoSandbox>();
        // Enums travel by name ("Combo", "RetailPrice"): readable, and stable when members are added.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(5));

        // Browsers carry the Identity cookie; API clients a bearer token. One scheme picks per request.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, SmartScheme, o => o.ForwardDefaultSelector = context =>
                HasBearer(context.Request) ? ApiTokenSecret.Scheme : IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenSecret.Scheme, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/access-denied";
            o.LogoutPath = "/account/logout";
            o.Cookie.Name = "shelfbook.auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            // The API answers with status codes; only pages redirect to the sign-in page.
            o.Events.OnRedirectToLogin = context => ApiOr(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiOr(context, StatusCodes.Status403Forbidden);
        });
        services.AddSingleton<IAuthorizationPolicyProvider, PermissionPolicyProvider>();
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingAuthenticationState>();
        services.AddScoped<OperationScopes>();
        services.AddHttpContextAccessor();

        // Keys (cookies, antiforgery, and later shop credentials) live in the control database: every node shares them.
        services.AddDataProtection().SetApplicationName("Shelfbook").PersistKeysToDbContext<ControlDbContext>();

        // Unreadable bodies throw (in every environment) so that ProblemResponses can name the JSON field.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        // One instance serves both the exception handler and the pages that show field errors.
        services.AddSingleton<ProblemResponses>();
        services.AddSingleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler>(sp => sp.GetRequiredService<ProblemResponses>());
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            // The reference page can then try requests with a personal token.
            document.Info.Title = "Shelfbook API";
            document.Info.Description = "REST API of Shelfbook. Authenticate with a personal API token: Authorization: Bearer sbk_…";
            document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Personal API token (sbk_…), created on the page 接口令牌 API tokens",
            };
            document.Security = [new Microsoft.OpenApi.OpenApiSecurityRequirement { [new Microsoft.OpenApi.OpenApiSecuritySchemeReference("Bearer", document)] = [] }];
            return Task.CompletedTask;
        }));

        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Cultures[0]);
            o.SupportedCultures = AcceptedCultures;
            o.SupportedUICultures = AcceptedCultures;
            // The UI is Chinese unless the user switched (cookie); API clients may ask with Accept-Language.
            o.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider(),
                new CookieRequestCultureProvider(),
                new ApiAcceptLanguageProvider(),
            ];
        });

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
    }

    public static void UseShelfbookWeb(this WebApplication app)
    {
        // Localization first: problem details written by the exception handler are in the caller's language too.
        app.UseRequestLocalization();
        app.UseExceptionHandler();
        app.UseStatusCodePages(ShowStatusAsync);
        app.UseAuthentication();
        app.Use((context, next) =>
        {
            context.RequestServices.GetRequiredService<CurrentUser>().Principal = context.User;
            return next(context);
        });
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("Shelfbook API")).AllowAnonymous();
        app.MapShelfbookHealth();
        app.MapAccountEndpoints();

        var api = app.MapGroup("/api/v1").RequireAuthorization().AddEndpointFilter(CookiesOnlyRead);
        foreach (var module in app.Services.GetRequiredService<ModuleSet>().All)
            module.MapApi(api);

        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .AddAdditionalAssemblies(app.Services.GetRequiredService<ModuleSet>().All.Select(m => m.Assembly).Distinct().ToArray());
    }

    /// <summary>
    /// The browser's cookie may read the API (handy while looking around) but not change data through it: the UI works
    /// through its pages, and programs use personal tokens, so no other site can make a signed-in browser post here.
    /// </summary>
    private static async ValueTask<object?> CookiesOnlyRead(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var method = http.Request.Method;
        // Signed in without a bearer header means signed in by the cookie (the policy scheme picks the same way).
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method) && !HasBearer(http.Request))
        {
            var text = http.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<PlatformStrings>>();
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: text["problem.cookie_write"],
                extensions: new Dictionary<string, object?> { ["code"] = "cookie_write" });
        }
        return await next(context);
    }

    /// <summary>
    /// Empty error responses: problem details for the API; for a browser, an unknown address shows the page that says
    /// so (in the user's language) instead of a bare 404.
    /// </summary>
    private static async Task ShowStatusAsync(Microsoft.AspNetCore.Diagnostics.StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (!http.Request.Path.StartsWithSegments("/api") && http.Response.StatusCode == StatusCodes.Status404NotFound
            && HttpMethods.IsGet(http.Request.Method))
        {
            http.Response.Redirect("/not-found");
            return;
        }
        await http.RequestServices.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>()
            .WriteAsync(new() { HttpContext = http });
    }

    private static bool HasBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    private static Task ApiOr(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private sealed class ApiAcceptLanguageProvider : RequestCultureProvider
    {
        private readonly AcceptLanguageHeaderRequestCultureProvider _inner = new();

        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext) =>
            httpContext.Request.Path.StartsWithSegments("/api")
                ? _inner.DetermineProviderCultureResult(httpContext)
                : NullProviderCultureResult;
    }
}
