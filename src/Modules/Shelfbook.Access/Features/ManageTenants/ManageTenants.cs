using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Access.Features.ManageTenants;

public sealed record TenantView(Guid Id, string Code, string Name, bool Active, DateTime CreatedAt, int Users);

/// <summary>
/// The installation's tenants (companies), for operators only: list, create (through <see cref="TenantProvisioning"/>),
/// switch off and on. A switched-off tenant cannot sign in or use its tokens; its data stays.
/// To anyone but an operator every tenant is "not found".
/// </summary>
public sealed class ManageTenants(ControlDbContext control, TenantProvisioning provisioning, CurrentUser current)
{
    public async Task<Page<TenantView>> ListAsync(string? search, PageRequest page, CancellationToken ct)
    {
        EnsureOperator();
        var query = control.Tenants.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            var lower = term.ToLowerInvariant();
            query = query.Where(t => t.Code.Contains(lower) || t.Name.Contains(term));
        }
        if (page.AfterKey() is { } key) query = query.Where(t => t.Code.CompareTo(key) > 0);
        var rows = await query.OrderBy(t => t.Code).Take(page.Limit + 1)
            .Select(t => new TenantView(t.Id, t.Code, t.Name, t.Active, t.CreatedAt, control.Users.Count(u => u.TenantId == t.Id)))
            .ToListAsync(ct);
        return Page.From(rows, page.Limit, t => t.Code);
    }

    public async Task<TenantView> GetAsync(string code, CancellationToken ct)
    {
        EnsureOperator();
        return await control.Tenants.AsNoTracking().Where(t => t.Code == code)
                   .Select(t => new TenantView(t.Id, t.Code, t.Name, t.Active, t.CreatedAt, control.Users.Count(u => u.TenantId == t.Id)))
                   .SingleOrDefaultAsync(ct)
               ?? throw new NotFoundException("tenant", code);
    }

    public async Task<CreatedTenant> CreateAsync(CreateTenantRequest request, CancellationToken ct)
    {
        EnsureOperator();
        return await provisioning.CreateAsync(request, adminIsOperator: false, ct);
    }

    public async Task<TenantView> SetActiveAsync(string code, bool active, CancellationToken ct)
    {
        EnsureOperator();
        var tenant = await control.Tenants.SingleOrDefaultAsync(t => t.Code == code, ct) ?? throw new NotFoundException("tenant", code);
        if (tenant.Active == active)
            throw new RuleViolatedException(active ? "access.tenant_already_active" : "access.tenant_already_inactive",
                $"Tenant {code} is already {(active ? "active" : "inactive")}.");
        if (!active && current.Tenant?.Value == code)
            throw new RuleViolatedException("access.cannot_deactivate_own_tenant", "You cannot switch off the company you are signed in to.");
        tenant.Active = active;
        AuditRecorder.Describe(tenant, active ? "activate" : "deactivate");
        await control.SaveChangesAsync(ct);
        return await GetAsync(code, ct);
    }

    private void EnsureOperator()
    {
        // "Not found" rather than "forbidden": a tenant's user learns nothing about other tenants.
        if (!current.IsOperator) throw new NotFoundException("tenant", "*");
    }
}
