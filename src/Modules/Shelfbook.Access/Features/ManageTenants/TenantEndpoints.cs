using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Access.Features.ManageTenants;

/// <summary>Installation operators create, list and switch tenants; everyone else gets 404 from these routes.</summary>
internal static class TenantEndpoints
{
    public static void Map(IEndpointRouteBuilder access)
    {
        var group = access.MapGroup("/tenants").WithTags("Tenants 租户");

        group.MapGet("/", (string? search, string? after, int? limit, ManageTenants handler, CancellationToken ct) =>
                handler.ListAsync(search, PageRequest.From(after, limit), ct))
            .WithSummary("List tenants (operators only)");
        group.MapGet("/{code}", (string code, ManageTenants handler, CancellationToken ct) => handler.GetAsync(code, ct))
            .WithSummary("One tenant (operators only)");
        group.MapPost("/", async (CreateTenantRequest request, ManageTenants handler, CancellationToken ct) =>
            {
                var created = await handler.CreateAsync(request, ct);
                return TypedResults.Created($"/api/v1/access/tenants/{created.Code}", created);
            })
            .WithSummary("Create a tenant with its database and first administrator (operators only)");
        group.MapPost("/{code}/deactivate", (string code, ManageTenants handler, CancellationToken ct) => handler.SetActiveAsync(code, false, ct))
            .WithSummary("Switch a tenant off: its users cannot sign in, its data stays (operators only)");
        group.MapPost("/{code}/activate", (string code, ManageTenants handler, CancellationToken ct) => handler.SetActiveAsync(code, true, ct))
            .WithSummary("Switch a tenant on again (operators only)");
    }
}
