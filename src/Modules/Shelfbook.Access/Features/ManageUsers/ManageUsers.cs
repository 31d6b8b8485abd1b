using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Access.Features.ManageRoles;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Access.Features.ManageUsers;

public sealed record NewUserInput(string? Login, string? DisplayName, string? Password, IReadOnlyList<Guid>? RoleIds);

public sealed record UserChanges(string? DisplayName, IReadOnlyList<Guid>? RoleIds);

public sealed record PasswordInput(string? Password);

public sealed record RoleRef(Guid Id, string Name);

public sealed record UserView(
    Guid Id, string Login, string DisplayName, bool Active, bool LockedOut, bool IsOperator, IReadOnlyList<RoleRef> Roles, DateTime CreatedAt);

public sealed record UserFilter(string? Search = null, bool? Active = null);

/// <summary>
/// The people of one tenant: add them, give them roles, switch them off, reset a forgotten password, unlock an
/// account after too many failed sign-ins. The tenant always keeps one active Administrator, and nobody switches
/// themselves off.
/// </summary>
public sealed class ManageUsers(ControlDbContext control, UserManager<ShelfbookUser> users, TenantDirectory directory, CurrentUser current, TimeProvider time)
{
    public const int LoginMax = 64;
    public const int DisplayNameMax = 100;

    public async Task<Page<UserView>> ListAsync(UserFilter filter, PageRequest page, CancellationToken ct)
    {
        var tenantId = await directory.TenantIdAsync(ct);
        var query = control.Users.AsNoTracking().Where(u => u.TenantId == tenantId);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            var lower = term.ToLowerInvariant();
            query = query.Where(u => u.Login.Contains(lower) || u.DisplayName.Contains(term));
        }
        if (filter.Active is { } active) query = query.Where(u => u.Active == active);
        if (page.AfterKey() is { } after) query = query.Where(u => u.Login.CompareTo(after) > 0);
        var rows = await query.OrderBy(u => u.Login).Take(page.Limit + 1).ToListAsync(ct);
        var views = await ViewsAsync(rows, ct);
        return Page.From(views, page.Limit, u => u.Login);
    }

    public async Task<UserView> GetAsync(Guid id, CancellationToken ct) => (await ViewsAsync([await FindAsync(id, ct)], ct))[0];

    public async Task<UserView> CreateAsync(NewUserInput input, CancellationToken ct)
    {
        var tenantId = await directory.TenantIdAsync(ct);
        var tenantCode = current.RequireTenant().Value;
        var check = new InputCheck();
        var login = check.Required("login", input.Login, LoginMax).ToLowerInvariant();
        if (login.Any(c => c == '@' || char.IsWhiteSpace(c) || char.IsControl(c)))
            check.Add("login", "invalid_login", "login must not contain spaces or '@'.");
        var displayName = check.Optional("displayName", input.DisplayName, DisplayNameMax) ?? login;
        if (string.IsNullOrEmpty(input.Password)) check.Add("password", "required", "password is required.");
        var roleIds = await CheckRolesAsync(tenantId, input.RoleIds, check, ct);
        check.ThrowIfAny();
        await EnsureMayGrantAsync(roleIds, ct);
        if (await control.Users.AnyAsync(u => u.TenantId == tenantId && u.Login == login, ct))
            throw new InputRejectedException("login", "duplicate", $"A user with login '{login}' already exists.", login);

        var user = new ShelfbookUser
        {
            TenantId = tenantId, Login = login, UserName = ShelfbookUser.UserNameFor(tenantCode, login), DisplayName = displayName,
            CreatedAt = time.StoredUtcNow(),
        };
        await using var transaction = await control.Database.BeginTransactionAsync(ct);
        var created = await users.CreateAsync(user, input.Password!);
        if (!created.Succeeded) throw Rejected(created);
        foreach (var granted in roleIds.Select(r => new UserRole { UserId = user.Id, RoleId = r }))
        {
            AuditRecorder.Describe(granted, "grant_role");
            control.UserRoles.Add(granted);
        }
        await control.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(user.Id, ct);
    }

    public async Task<UserView> UpdateAsync(Guid id, UserChanges changes, CancellationToken ct)
    {
        var user = await FindAsync(id, ct);
        var check = new InputCheck();
        var displayName = check.Required("displayName", changes.DisplayName, DisplayNameMax);
        var roleIds = await CheckRolesAsync(user.TenantId, changes.RoleIds, check, ct);
        check.ThrowIfAny();
        await EnsureMayManageAsync(user, ct);

        await using var transaction = await control.Database.BeginTransactionAsync(ct);
        await directory.LockAdministratorsAsync(user.TenantId, ct);
        var held = await control.UserRoles.Where(ur => ur.UserId == id).ToListAsync(ct);
        var heldIds = held.Select(ur => ur.RoleId).ToList();
        await EnsureMayGrantAsync(heldIds.Except(roleIds).Concat(roleIds.Except(heldIds)), ct);
        var administrator = await AdministratorRoleIdAsync(user.TenantId, ct);
        if (user.Active && held.Any(ur => ur.RoleId == administrator) && !roleIds.Contains(administrator))
            await EnsureAnotherAdministratorAsync(user, ct);

        user.DisplayName = displayName;
        foreach (var taken in held.Where(ur => !roleIds.Contains(ur.RoleId)))
        {
            AuditRecorder.Describe(taken, "revoke_role");
            control.UserRoles.Remove(taken);
        }
        foreach (var granted in roleIds.Where(r => held.All(ur => ur.RoleId != r)).Select(r => new UserRole { UserId = id, RoleId = r }))
        {
            AuditRecorder.Describe(granted, "grant_role");
            control.UserRoles.Add(granted);
        }
        // No new stamp: the cookie takes the new rights at its next validation (5 minutes), an open page reloads with
        // them (RevalidatingAuthenticationState), a token on its next request.
        await control.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<UserView> SetActiveAsync(Guid id, bool active, CancellationToken ct)
    {
        var user = await FindAsync(id, ct);
        if (user.Active == active)
            throw new RuleViolatedException(active ? "access.user_already_active" : "access.user_already_inactive",
                $"User {user.Login} is already {(active ? "active" : "inactive")}.");
        await EnsureMayManageAsync(user, ct);
        await using var transaction = await control.Database.BeginTransactionAsync(ct);
        if (!active)
        {
            if (user.Id == current.UserId) throw new RuleViolatedException("access.cannot_deactivate_self", "You cannot deactivate yourself.");
            await directory.LockAdministratorsAsync(user.TenantId, ct);
            if (await IsAdministratorAsync(user, ct)) await EnsureAnotherAdministratorAsync(user, ct);
        }
        user.Active = active;
        AuditRecorder.Describe(user, active ? "activate" : "deactivate");
        // A new stamp ends the user's open sessions at the next validation.
        var result = await users.UpdateSecurityStampAsync(user);
        if (!result.Succeeded) throw Rejected(result);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<UserView> ResetPasswordAsync(Guid id, PasswordInput input, CancellationToken ct)
    {
        var user = await FindAsync(id, ct);
        if (string.IsNullOrEmpty(input.Password)) throw new InputRejectedException("password", "required", "password is required.");
        await EnsureMayManageAsync(user, ct);
        var token = await users.GeneratePasswordResetTokenAsync(user);
        AuditRecorder.Describe(user, "reset_password");
        var result = await users.ResetPasswordAsync(user, token, input.Password);
        if (!result.Succeeded) throw Rejected(result);
        return await GetAsync(id, ct);
    }

    public async Task<UserView> UnlockAsync(Guid id, CancellationToken ct)
    {
        var user = await FindAsync(id, ct);
        await EnsureMayManageAsync(user, ct);
        // One save for both fields, so an unlock is never half done.
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        AuditRecorder.Describe(user, "unlock");
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded) throw Rejected(result);
        return await GetAsync(id, ct);
    }

    private async Task<ShelfbookUser> FindAsync(Guid id, CancellationToken ct)
    {
        var tenantId = await directory.TenantIdAsync(ct);
        return await control.Users.SingleOrDefaultAsync(u => u.Id == id && u.TenantId == tenantId, ct) ?? throw new NotFoundException("user", id);
    }

    /// <summary>A user manager hands out only what they hold themselves: no role with a permission they lack (nor <c>*</c>).</summary>
    private async Task EnsureMayGrantAsync(IEnumerable<Guid> roleIds, CancellationToken ct)
    {
        if (current.Has(Permission.All)) return;
        var ids = roleIds.ToList();
        if (ids.Count == 0) return;
        var permissions = await control.Roles.Where(r => ids.Contains(r.Id)).Select(r => r.Permissions).ToListAsync(ct);
        var beyond = permissions.SelectMany(p => p).Distinct(StringComparer.Ordinal).Where(p => !current.Has(p)).ToList();
        if (beyond.Count > 0)
            throw new RuleViolatedException("access.beyond_own_permissions",
                $"You may only give or take roles within your own permissions; you lack {string.Join(", ", beyond)}.", string.Join(", ", beyond));
    }

    /// <summary>
    /// Whoever changes an account (roles, password, lock, status) must be at least as strong as its owner: an operator's
    /// account only by an operator, an Administrator's only by an Administrator, anyone else's only by a user who holds
    /// every permission the owner holds. Otherwise a password reset would be a way up.
    /// </summary>
    private async Task EnsureMayManageAsync(ShelfbookUser target, CancellationToken ct)
    {
        if (target.IsOperator && !current.IsOperator)
            throw new RuleViolatedException("access.operators_only", "Only an operator may change an operator's account.");
        if (current.Has(Permission.All)) return;
        if (await IsAdministratorAsync(target, ct))
            throw new RuleViolatedException("access.administrators_only", "Only an Administrator may change an Administrator's account.");
        await EnsureMayGrantAsync(await control.UserRoles.Where(ur => ur.UserId == target.Id).Select(ur => ur.RoleId).ToListAsync(ct), ct);
    }

    private async Task<List<Guid>> CheckRolesAsync(Guid tenantId, IReadOnlyList<Guid>? requested, InputCheck check, CancellationToken ct)
    {
        var ids = (requested ?? []).Distinct().ToList();
        var found = await control.Roles.Where(r => r.TenantId == tenantId && ids.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct);
        var missing = ids.Except(found).ToList();
        if (missing.Count > 0)
            check.Add("roleIds", "unknown_role", $"Unknown role(s): {string.Join(", ", missing)}.", string.Join(", ", missing));
        return found;
    }

    private Task<Guid> AdministratorRoleIdAsync(Guid tenantId, CancellationToken ct) =>
        control.Roles.Where(r => r.TenantId == tenantId && r.IsBuiltIn && r.Name == Role.AdministratorName).Select(r => r.Id).SingleAsync(ct);

    private async Task<bool> IsAdministratorAsync(ShelfbookUser user, CancellationToken ct)
    {
        var administrator = await AdministratorRoleIdAsync(user.TenantId, ct);
        return await control.UserRoles.AnyAsync(ur => ur.UserId == user.Id && ur.RoleId == administrator, ct);
    }

    private async Task EnsureAnotherAdministratorAsync(ShelfbookUser user, CancellationToken ct)
    {
        if (await directory.OtherActiveAdministratorsAsync(user.TenantId, user.Id, ct) == 0)
            throw new RuleViolatedException("access.last_administrator",
                $"{user.Login} is the last active Administrator; give another user the Administrator role first.");
    }

    private async Task<List<UserView>> ViewsAsync(IReadOnlyList<ShelfbookUser> rows, CancellationToken ct)
    {
        var ids = rows.Select(u => u.Id).ToList();
        var roles = await control.UserRoles.Where(ur => ids.Contains(ur.UserId))
            .Join(control.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Id, r.Name })
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        return rows.Select(u => new UserView(
            u.Id, u.Login, u.DisplayName, u.Active, u.LockoutEnd > now, u.IsOperator,
            roles.Where(r => r.UserId == u.Id).OrderBy(r => r.Name).Select(r => new RoleRef(r.Id, r.Name)).ToList(),
            u.CreatedAt)).ToList();
    }

    private ShelfbookException Rejected(IdentityResult result) =>
        IdentityRejection.From(result, "login", "password", users.Options.Password.RequiredLength);
}
