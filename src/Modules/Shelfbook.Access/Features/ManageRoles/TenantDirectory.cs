using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Control;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Access.Features.ManageRoles;

/// <summary>
/// The control database holds every tenant's users and roles, so each query here filters by the caller's tenant.
/// This is the one place that finds that tenant's id.
/// </summary>
public sealed class TenantDirectory(ControlDbContext control, CurrentUser user)
{
    private Guid? _tenantId;

    public async Task<Guid> TenantIdAsync(CancellationToken ct)
    {
        if (_tenantId is { } known) return known;
        var code = user.RequireTenant().Value;
        _tenantId = await control.Tenants.Where(t => t.Code == code).Select(t => t.Id).SingleAsync(ct);
        return _tenantId.Value;
    }

    /// <summary>
    /// Takes the tenant's Administrator role row for writing until the transaction ends (a no-op update locks the row
    /// on PostgreSQL and the database on SQLite), so that two administrators removing each other at the same moment
    /// are checked one after the other and the tenant keeps one.
    /// </summary>
    public Task LockAdministratorsAsync(Guid tenantId, CancellationToken ct) =>
        control.Roles.Where(r => r.TenantId == tenantId && r.IsBuiltIn && r.Name == Role.AdministratorName)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Name, r => r.Name), ct);

    /// <summary>Active users of the tenant who hold the built-in Administrator role, other than <paramref name="except"/>.</summary>
    public async Task<int> OtherActiveAdministratorsAsync(Guid tenantId, Guid except, CancellationToken ct) =>
        await control.UserRoles
            .Join(control.Roles.Where(r => r.TenantId == tenantId && r.IsBuiltIn && r.Name == Role.AdministratorName), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId)
            .Join(control.Users.Where(u => u.TenantId == tenantId && u.Active && u.Id != except), id => id, u => u.Id, (id, _) => id)
            .CountAsync(ct);
}
