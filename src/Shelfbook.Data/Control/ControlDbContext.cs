using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;

namespace Shelfbook.Data.Control;

/// <summary>
/// The control database: tenants, users, roles, sign-in data and the audit of changes made to them
/// (which must commit with the change, and so cannot live in a tenant database), and the Data Protection
/// key ring, so that every app node reads the same keys.
/// </summary>
public sealed class ControlDbContext(DbContextOptions<ControlDbContext> options, IAuditActor actor, TimeProvider time)
    : IdentityUserContext<ShelfbookUser, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<Role> Roles => Set<Role>();
    public DbSet<UserRole> UserRoles => Set<UserRole>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ControlAuditEntry> AuditEntries => Set<ControlAuditEntry>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Tenant>(e =>
        {
            e.HasIndex(t => t.Code).IsUnique();
            e.Property(t => t.Code).HasMaxLength(Kernel.TenantCode.MaxLength);
            e.Property(t => t.Name).HasMaxLength(100);
            e.Property(t => t.TimeZone).HasMaxLength(64);
        });
        builder.Entity<ShelfbookUser>(e =>
        {
            e.HasIndex(u => new { u.TenantId, u.Login }).IsUnique();
            e.Property(u => u.Login).HasMaxLength(64);
            e.Property(u => u.DisplayName).HasMaxLength(100);
            e.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<Role>(e =>
        {
            e.HasIndex(r => new { r.TenantId, r.Name }).IsUnique();
            e.Property(r => r.Name).HasMaxLength(64);
            e.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<UserRole>(e =>
        {
            e.HasKey(ur => new { ur.UserId, ur.RoleId });
            e.HasOne<ShelfbookUser>().WithMany().HasForeignKey(ur => ur.UserId);
            e.HasOne<Role>().WithMany().HasForeignKey(ur => ur.RoleId);
        });
        builder.Entity<ApiToken>(e =>
        {
            e.HasIndex(t => t.Hash).IsUnique();
            e.HasIndex(t => t.UserId);
            e.Property(t => t.Name).HasMaxLength(100);
            e.Property(t => t.Prefix).HasMaxLength(16);
            e.Property(t => t.Hash).HasMaxLength(64);
            e.HasOne<ShelfbookUser>().WithMany().HasForeignKey(t => t.UserId);
        });
        builder.Entity<ControlAuditEntry>(e =>
        {
            e.HasIndex(a => new { a.TenantId, a.At, a.Id });
            AuditEntryShape.Configure(e);
        });
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        AddAuditEntries();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AddAuditEntries();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void AddAuditEntries()
    {
        foreach (var (entry, tenantId) in AuditRecorder.Collect(ChangeTracker, actor, time, TenantOf))
        {
            AuditEntries.Add(new ControlAuditEntry
            {
                TenantId = tenantId,
                At = entry.At,
                UserId = entry.UserId,
                UserName = entry.UserName,
                Category = entry.Category,
                EntityType = entry.EntityType,
                EntityId = entry.EntityId,
                Action = entry.Action,
                Changes = entry.Changes,
            });
        }
    }

    private Guid TenantOf(object entity) => entity switch
    {
        Tenant t => t.Id,
        ShelfbookUser u => u.TenantId,
        Role r => r.TenantId,
        ApiToken t => Users.Local.FirstOrDefault(u => u.Id == t.UserId)?.TenantId
                      ?? Users.Where(u => u.Id == t.UserId).Select(u => u.TenantId).FirstOrDefault(),
        UserRole ur => Users.Local.FirstOrDefault(u => u.Id == ur.UserId)?.TenantId
                       ?? Users.Where(u => u.Id == ur.UserId).Select(u => u.TenantId).FirstOrDefault(),
        _ => Guid.Empty,
    };
}
