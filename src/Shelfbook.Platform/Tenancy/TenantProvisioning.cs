using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Platform.Tenancy;

public sealed record CreateTenantRequest(string? Code, string? Name, string? AdminLogin, string? AdminPassword, string? AdminDisplayName = null);

public sealed record CreatedTenant(Guid Id, string Code, string Name, string AdminLogin);

/// <summary>
/// Creates a tenant: checks every input first, creates and migrates its database, then writes the tenant,
/// its Administrator role and its first user in one control-database transaction.
/// </summary>
public sealed class TenantProvisioning(Databases databases, ControlDbContext control, UserManager<ShelfbookUser> users, TimeProvider time)
{
    public async Task<CreatedTenant> CreateAsync(CreateTenantRequest request, bool adminIsOperator, CancellationToken ct)
    {
        var check = new InputCheck();
        TenantCode code = default;
        if (string.IsNullOrWhiteSpace(request.Code)) check.Add("code", "required", "code is required.");
        else if (!TenantCode.TryParse(request.Code, out code))
            check.Add("code", "invalid_tenant_code", $"code must be 2–{TenantCode.MaxLength} characters: a lower-case letter, then letters, digits or '_'.", TenantCode.MaxLength);
        var name = check.Required("name", request.Name, 100);
        var login = check.Required("adminLogin", request.AdminLogin, 64).ToLowerInvariant();
        if (login.Any(c => c == '@' || char.IsWhiteSpace(c) || char.IsControl(c)))
            check.Add("adminLogin", "invalid_login", "adminLogin must not contain spaces or '@'.");
        if (string.IsNullOrEmpty(request.AdminPassword)) check.Add("adminPassword", "required", "adminPassword is required.");
        check.ThrowIfAny();

        if (await control.Tenants.AnyAsync(t => t.Code == code.Value, ct))
            throw new InputRejectedException("code", "duplicate", $"A tenant with code '{code}' already exists.", code.Value);

        var tenant = new Tenant { Code = code.Value, Name = name, CreatedAt = time.StoredUtcNow() };
        var admin = new ShelfbookUser
        {
            TenantId = tenant.Id,
            Login = login,
            UserName = ShelfbookUser.UserNameFor(code.Value, login),
            DisplayName = string.IsNullOrWhiteSpace(request.AdminDisplayName) ? login : request.AdminDisplayName.Trim(),
            IsOperator = adminIsOperator,
            CreatedAt = tenant.CreatedAt,
        };
        await CheckUserAsync(admin, request.AdminPassword!, "adminLogin", "adminPassword");

        // The tenant database first: migrating is idempotent, so a failure after it leaves nothing that a
        // second attempt trips over; the control rows, which make the tenant exist, come last and atomically.
        await databases.MigrateTenantAsync(code, ct);

        var role = new Role { TenantId = tenant.Id, Name = Role.AdministratorName, IsBuiltIn = true, Permissions = [Permission.All] };
        await using var transaction = await control.Database.BeginTransactionAsync(ct);
        control.Tenants.Add(tenant);
        control.Roles.Add(role);
        try
        {
            await control.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DatabaseErrors.IsUniqueViolation(e))
        {
            // A concurrent request created the same code since the check above (the code is the tenants' only unique key).
            throw new InputRejectedException("code", "duplicate", $"A tenant with code '{code}' already exists.", code.Value);
        }
        var created = await users.CreateAsync(admin, request.AdminPassword!);
        if (!created.Succeeded) throw Rejected(created, "adminLogin", "adminPassword");
        control.UserRoles.Add(new UserRole { UserId = admin.Id, RoleId = role.Id });
        await control.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new CreatedTenant(tenant.Id, tenant.Code, tenant.Name, login);
    }

    /// <summary>Runs Identity's user and password rules without writing, so a weak password stops everything up front.</summary>
    private async Task CheckUserAsync(ShelfbookUser user, string password, string loginField, string passwordField)
    {
        var errors = new List<IdentityError>();
        foreach (var validator in users.UserValidators)
            errors.AddRange((await validator.ValidateAsync(users, user)).Errors);
        foreach (var validator in users.PasswordValidators)
            errors.AddRange((await validator.ValidateAsync(users, user, password)).Errors);
        if (errors.Count > 0) throw Rejected(IdentityResult.Failed([.. errors]), loginField, passwordField);
    }

    private ShelfbookException Rejected(IdentityResult result, string loginField, string passwordField) =>
        IdentityRejection.From(result, loginField, passwordField, users.Options.Password.RequiredLength);
}
