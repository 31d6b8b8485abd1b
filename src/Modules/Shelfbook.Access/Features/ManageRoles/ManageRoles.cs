using Microsoft.EntityFrameworkCore;
using Shelfbook.Data;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;
using Shelfbook.Platform.Modules;

namespace Shelfbook.Access.Features.ManageRoles;

public sealed record RoleInput(string? Name, IReadOnlyList<string>? Permissions);

public sealed record RoleView(Guid Id, string Name, bool IsBuiltIn, IReadOnlyList<string> Permissions, int UserCount);

public sealed record PermissionView(string Name, string Module, string Description);

/// <summary>
/// A tenant's roles: named sets of the permissions the modules declare. The built-in Administrator (<c>*</c>) cannot be
/// changed or deleted; a role that users still hold cannot be deleted.
/// </summary>
public sealed class ManageRoles(ControlDbContext control, TenantDirectory directory, ModuleSet modules, Platform.Tenancy.CurrentUser current)
{
    public const int NameMax = 64;

    public async Task<IReadOnlyList<RoleView>> ListAsync(CancellationToken ct)
    {
        var tenantId = await directory.TenantIdAsync(ct);
        var roles = await control.Roles.AsNoTracking().Where(r => r.TenantId == tenantId)
            .OrderByDescending(r => r.IsBuiltIn).ThenBy(r => r.Name)
            .Select(r => new { Role = r, Users = control.UserRoles.Count(ur => ur.RoleId == r.Id) })
            .ToListAsync(ct);
        return roles.Select(x => View(x.Role, x.Users)).ToList();
    }

    public async Task<RoleView> GetAsync(Guid id, CancellationToken ct)
    {
        var role = await FindAsync(id, ct, tracked: false);
        return View(role, await control.UserRoles.CountAsync(ur => ur.RoleId == id, ct));
    }

    public async Task<RoleView> CreateAsync(RoleInput input, CancellationToken ct)
    {
        var tenantId = await directory.TenantIdAsync(ct);
        var (name, permissions) = Check(input);
        EnsureWithinOwn(permissions);
        await EnsureNameFreeAsync(tenantId, name, null, ct);
        var role = new Role { TenantId = tenantId, Name = name, Permissions = permissions };
        control.Roles.Add(role);
        await control.SaveOrExplainAsync(() => EnsureNameFreeAsync(tenantId, name, null, ct), ct);
        return View(role, 0);
    }

    public async Task<RoleView> UpdateAsync(Guid id, RoleInput input, CancellationToken ct)
    {
        var role = await FindAsync(id, ct);
        if (role.IsBuiltIn) throw new RuleViolatedException("access.role_built_in", $"The built-in role {role.Name} cannot be changed.");
        var (name, permissions) = Check(input);
        EnsureWithinOwn(role.Permissions.Except(permissions).Concat(permissions.Except(role.Permissions)));
        await EnsureNameFreeAsync(role.TenantId, name, role.Id, ct);
        role.Name = name;
        role.Permissions = permissions;
        await control.SaveOrExplainAsync(() => EnsureNameFreeAsync(role.TenantId, name, role.Id, ct), ct);
        return View(role, await control.UserRoles.CountAsync(ur => ur.RoleId == id, ct));
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var role = await FindAsync(id, ct);
        if (role.IsBuiltIn) throw new RuleViolatedException("access.role_built_in", $"The built-in role {role.Name} cannot be deleted.");
        EnsureWithinOwn(role.Permissions);
        var holders = await control.UserRoles.CountAsync(ur => ur.RoleId == id, ct);
        if (holders > 0)
            throw new RuleViolatedException("access.role_in_use", $"{holders} user(s) still hold the role {role.Name}; take it from them first.");
        control.Roles.Remove(role);
        await control.SaveChangesAsync(ct);
    }

    /// <summary>Every permission the running modules declare, described in the user's language.</summary>
    public IReadOnlyList<PermissionView> Permissions(Microsoft.Extensions.Localization.IStringLocalizerFactory localizers) =>
        modules.All.SelectMany(m => m.Permissions.Select(p => new PermissionView(p.Name, p.Module, localizers.Create(m.Strings)[p.DescriptionKey])))
            .ToList();

    private (string Name, List<string> Permissions) Check(RoleInput input)
    {
        var check = new InputCheck();
        var name = check.Required("name", input.Name, NameMax);
        var known = modules.Permissions.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var permissions = (input.Permissions ?? []).Select(p => p?.Trim() ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var unknown = permissions.Where(p => !known.Contains(p)).ToList();
        if (unknown.Count > 0)
            check.Add("permissions", "unknown_permission", $"Unknown permission(s): {string.Join(", ", unknown)}.", string.Join(", ", unknown));
        check.ThrowIfAny();
        return (name, permissions);
    }

    /// <summary>Nobody puts into (or takes out of) a role a permission they do not hold, so nobody raises their own rights.</summary>
    private void EnsureWithinOwn(IEnumerable<string> permissions)
    {
        if (current.Has(Permission.All)) return;
        var beyond = permissions.Where(p => !current.Has(p)).ToList();
        if (beyond.Count > 0)
            throw new RuleViolatedException("access.beyond_own_permissions",
                $"You may only give or take permissions you hold yourself; you lack {string.Join(", ", beyond)}.", string.Join(", ", beyond));
    }

    private async Task EnsureNameFreeAsync(Guid tenantId, string name, Guid? self, CancellationToken ct)
    {
        if (await control.Roles.AnyAsync(r => r.TenantId == tenantId && r.Name == name && r.Id != self, ct))
            throw new InputRejectedException("name", "duplicate", $"A role named '{name}' already exists.", name);
    }

    private async Task<Role> FindAsync(Guid id, CancellationToken ct, bool tracked = true)
    {
        var tenantId = await directory.TenantIdAsync(ct);
        var roles = tracked ? control.Roles : control.Roles.AsNoTracking();
        return await roles.SingleOrDefaultAsync(r => r.Id == id && r.TenantId == tenantId, ct) ?? throw new NotFoundException("role", id);
    }

    private static RoleView View(Role r, int users) => new(r.Id, r.Name, r.IsBuiltIn, r.Permissions, users);
}
