using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Access.Features.ManageTenants;

public sealed record TenantView(Guid Id, string Code, string Name, bool Active, DateTime CreatedAt);

/// <summary>
/// Installation operators create and list tenants. Everyone else gets 404 from these routes: a tenant
/// user has no business knowing that other tenants exist.
/// </summary>
internal static class TenantEndpoints
{
    public static void Map(IEndpointRouteBuilder access)
    {
        var group = access.MapGroup("/tenants").WithTags("Tenants 租户")
            .AddEndpointFilter(async (context, next) =>
                context.HttpContext.RequestServices.GetService(typeof(CurrentUser)) is CurrentUser { IsOperator: true }
                    ? await next(context)
                    : TypedResults.NotFound());

        group.MapGet("/", async (string? after, int? limit, ControlDbContext control, CancellationToken ct) =>
            {
                var page = PageRequest.From(after, limit);
                var query = control.Tenants.AsNoTracking();
                if (page.AfterKey() is { } key) query = query.Where(t => t.Code.CompareTo(key) > 0);
                var rows = await query.OrderBy(t => t.Code).Take(page.Limit + 1)
                    .Select(t => new TenantView(t.Id, t.Code, t.Name, t.Active, t.CreatedAt)).ToListAsync(ct);
                return Page.From(rows, page.Limit, t => t.Code);
            })
            .WithSummary("List tenants (operators only)");

        group.MapGet("/{code}", async (string code, ControlDbContext control, CancellationToken ct) =>
                await control.Tenants.AsNoTracking().Where(t => t.Code == code)
                    .Select(t => new TenantView(t.Id, t.Code, t.Name, t.Active, t.CreatedAt)).SingleOrDefaultAsync(ct)
                ?? throw new NotFoundException("tenant", code))
            .WithSummary("One tenant (operators only)");

        group.MapPost("/", async (CreateTenantRequest request, TenantProvisioning provisioning, CancellationToken ct) =>
            {
                var created = await provisioning.CreateAsync(request, adminIsOperator: false, ct);
                return TypedResults.Created($"/api/v1/access/tenants/{created.Code}", created);
            })
            .WithSummary("Create a tenant with its database and first administrator (operators only)");
    }
}
