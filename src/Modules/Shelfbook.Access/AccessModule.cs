using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Shelfbook.Access.Features.BrowseAuditLog;
using Shelfbook.Access.Features.ChangeOwnPassword;
using Shelfbook.Access.Features.ManageApiTokens;
using Shelfbook.Access.Features.ManageRoles;
using Shelfbook.Access.Features.ManageUsers;
using Shelfbook.Access.Features.ManageTenants;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Modules;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Access;

public static class AccessPermissions
{
    public const string ViewAudit = "access.audit.view";
    public const string ManageUsers = "access.users.manage";
    public const string ManageRoles = "access.roles.manage";
}

/// <summary>Marker for the module's resources (AccessStrings.resx: zh-CN, AccessStrings.en.resx: English).</summary>
public sealed class AccessStrings;

public sealed record MeView(Guid? UserId, string UserName, string Tenant, bool IsOperator, IReadOnlyList<string> Permissions);

public sealed class AccessModule : ShelfbookModule
{
    public override Type Strings => typeof(AccessStrings);

    public override string Name => "access";

    public override IReadOnlyList<Permission> Permissions =>
    [
        new(AccessPermissions.ViewAudit, Name, "permission.audit.view"),
        new(AccessPermissions.ManageUsers, Name, "permission.users.manage"),
        new(AccessPermissions.ManageRoles, Name, "permission.roles.manage"),
    ];

    public override IReadOnlyList<NavItem> Navigation =>
    [
        new(l => l.Text<AccessStrings>("nav.users"), "access/users", Icons.Material.Outlined.People, AccessPermissions.ManageUsers, 880),
        new(l => l.Text<AccessStrings>("nav.roles"), "access/roles", Icons.Material.Outlined.AdminPanelSettings, AccessPermissions.ManageRoles, 890),
        new(l => l.Text<AccessStrings>("nav.audit"), "audit", Icons.Material.Outlined.History, AccessPermissions.ViewAudit, 900),
        new(l => l.Text<AccessStrings>("nav.tokens"), "account/tokens", Icons.Material.Outlined.Key, null, 910),
        new(l => l.Text<AccessStrings>("nav.password"), "account/password", Icons.Material.Outlined.Password, null, 920),
        new(l => l.Text<AccessStrings>("nav.tenants"), "access/tenants", Icons.Material.Outlined.Domain, null, 990) { OperatorsOnly = true },
    ];

    public override void AddServices(IServiceCollection services)
    {
        services.AddScoped<ManageApiTokens>();
        services.AddScoped<BrowseAuditLog>();
        services.AddScoped<TenantDirectory>();
        services.AddScoped<ManageRoles>();
        services.AddScoped<ManageUsers>();
        services.AddScoped<ManageTenants>();
        services.AddScoped<ChangeOwnPassword>();
    }

    public override void MapEndpoints(IEndpointRouteBuilder group)
    {
        group.MapGet("/me", (CurrentUser user) => new MeView(user.UserId, user.UserName, user.RequireTenant().Value, user.IsOperator,
                user.Principal.FindAll(Permission.ClaimType).Select(c => c.Value).Order(StringComparer.Ordinal).ToList()))
            .WithTags("Account 账户").WithSummary("Who am I: user, tenant and permissions");

        group.MapPost("/me/password", async (OwnPasswordInput input, ChangeOwnPassword handler, CancellationToken ct) =>
            {
                await handler.ChangeAsync(input, ct);
                return TypedResults.NoContent();
            })
            .WithTags("Account 账户").WithSummary("Change my own password (the current one is required)");

        var tokens = group.MapGroup("/tokens").WithTags("API tokens 接口令牌");
        tokens.MapGet("/", (ManageApiTokens handler, CancellationToken ct) => handler.ListAsync(ct)).WithSummary("My API tokens");
        tokens.MapPost("/", async (CreateTokenRequest request, ManageApiTokens handler, CancellationToken ct) =>
        {
            var created = await handler.CreateAsync(request, ct);
            return TypedResults.Created($"/api/v1/access/tokens/{created.Token.Id}", created);
        }).WithSummary("Create an API token; the secret is returned only now");
        tokens.MapGet("/{id:guid}", (Guid id, ManageApiTokens handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("One of my API tokens");
        tokens.MapDelete("/{id:guid}", (Guid id, ManageApiTokens handler, CancellationToken ct) => handler.RevokeAsync(id, ct))
            .WithSummary("Revoke one of my API tokens");

        UserEndpoints.Map(group);
        TenantEndpoints.Map(group);
    }

    /// <summary>The audit log sits at <c>/api/v1/audit</c>, as every module's changes are in it.</summary>
    public override void MapApi(IEndpointRouteBuilder api)
    {
        base.MapApi(api);
        api.MapGet("/audit", (string? category, string? entityType, string? entityId, string? user, string? action,
                    DateTime? from, DateTime? to, string? after, int? limit, BrowseAuditLog handler, CancellationToken ct) =>
                handler.ListAsync(new AuditFilter(category, entityType, entityId, user, action, from, to), PageRequest.From(after, limit), ct))
            .WithTags("Audit 日志").WithSummary("The change log, newest first, with filters and keyset paging")
            .RequirePermission(AccessPermissions.ViewAudit);
    }
}
