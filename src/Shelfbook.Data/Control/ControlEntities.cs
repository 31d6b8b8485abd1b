using Microsoft.AspNetCore.Identity;
using Shelfbook.Data.Audit;

namespace Shelfbook.Data.Control;

/// <summary>A seller company. Its business data lives in its own database named by <see cref="Code"/>.</summary>
[Audited(AuditCategory.System, "tenant")]
public sealed class Tenant
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string TimeZone { get; set; } = Kernel.TenantTime.DefaultZone;
    public bool Active { get; set; } = true;
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// A person who signs in. The Identity user name is <c>login@tenant</c>, so logins are unique within a
/// tenant while Identity's own unique index still holds across the control database.
/// </summary>
[Audited(AuditCategory.System, "user", Ignore = [nameof(PasswordHash), nameof(SecurityStamp), nameof(ConcurrencyStamp),
    nameof(AccessFailedCount), nameof(LockoutEnd), nameof(NormalizedUserName), nameof(NormalizedEmail), nameof(EmailConfirmed),
    nameof(PhoneNumberConfirmed), nameof(TwoFactorEnabled), nameof(LockoutEnabled), nameof(TenantId)])]
public sealed class ShelfbookUser : IdentityUser<Guid>
{
    public ShelfbookUser() => Id = Guid.CreateVersion7();

    public Guid TenantId { get; set; }
    public required string Login { get; set; }
    public required string DisplayName { get; set; }

    /// <summary>Operators run the installation: they may create tenants. The first (demo) admin is one.</summary>
    public bool IsOperator { get; set; }

    public bool Active { get; set; } = true;
    public DateTime CreatedAt { get; set; }

    public static string UserNameFor(string tenantCode, string login) => $"{login.Trim().ToLowerInvariant()}@{tenantCode}";
}

/// <summary>A tenant's role: a named set of permissions. <c>*</c> means every permission.</summary>
[Audited(AuditCategory.System, "role", Ignore = [nameof(TenantId)])]
public sealed class Role
{
    public const string AdministratorName = "Administrator";

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public required string Name { get; set; }

    /// <summary>Built-in roles cannot be renamed or deleted.</summary>
    public bool IsBuiltIn { get; set; }

    public List<string> Permissions { get; set; } = [];
}

[Audited(AuditCategory.System, "user_role")]
public sealed class UserRole
{
    public Guid UserId { get; set; }
    public Guid RoleId { get; set; }
}

/// <summary>
/// A personal API token. Only the SHA-256 of the secret is stored; the secret is shown once, when created.
/// </summary>
[Audited(AuditCategory.System, "api_token", Ignore = [nameof(Hash), nameof(LastUsedAt)])]
public sealed class ApiToken
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public required string Name { get; set; }

    /// <summary>The first characters of the token, so a user can tell tokens apart.</summary>
    public required string Prefix { get; set; }

    public required string Hash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}
