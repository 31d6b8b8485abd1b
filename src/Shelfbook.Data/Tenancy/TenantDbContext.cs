using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;

namespace Shelfbook.Data.Tenancy;

/// <summary>The assemblies whose <see cref="IEntityTypeConfiguration{TEntity}"/> classes make up a tenant database.</summary>
public sealed class TenantModel(IEnumerable<Assembly> moduleAssemblies)
{
    public IReadOnlyList<Assembly> Assemblies { get; } = moduleAssemblies.Distinct().ToArray();

    /// <summary>Names the set of modules, so that EF keeps one built model per set rather than one per context type.</summary>
    public string Key => string.Join("|", Assemblies.Select(a => a.FullName).Order(StringComparer.Ordinal));
}

/// <summary>
/// EF caches a built model per context type; the tenant model depends on which modules run, so two hosts with
/// different modules in one process (tests, tools) must not share it.
/// </summary>
internal sealed class TenantModelCacheKeyFactory : Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        context is TenantDbContext tenant ? (context.GetType(), tenant.ModelKey, designTime) : (context.GetType(), designTime);
}

/// <summary>
/// One tenant's business data. The model is assembled from the modules' configurations and has no tenant
/// column: the connection (SQLite file or PostgreSQL search path) decides whose data this is.
/// </summary>
public sealed class TenantDbContext(DbContextOptions<TenantDbContext> options, TenantModel model, IAuditActor actor, TimeProvider time)
    : DbContext(options)
{
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public TimeProvider Time => time;

    public IAuditActor Actor => actor;

    internal string ModelKey => model.Key;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.HasIndex(a => new { a.At, a.Id });
            e.HasIndex(a => new { a.EntityType, a.EntityId });
            AuditEntryShape.Configure(e);
        });
        foreach (var assembly in model.Assemblies)
            modelBuilder.ApplyConfigurationsFromAssembly(assembly);
        OrdinalText.Apply(modelBuilder, Database.IsNpgsql());
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

    /// <summary>
    /// Writes every added entity, with its audit entries, through the bulk path (<see cref="BulkInserts"/>) and
    /// empties the change tracker. For large inserts inside a transaction; anything modified or deleted is refused.
    /// </summary>
    public async Task BulkInsertAddedAsync(CancellationToken ct)
    {
        // Without a transaction SQLite would commit row by row, and a failure would leave half a batch behind.
        if (Database.CurrentTransaction is null)
            throw new InvalidOperationException("BulkInsertAddedAsync runs inside a transaction; begin one first.");
        if (ChangeTracker.Entries().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
            throw new InvalidOperationException("BulkInsertAddedAsync writes inserts only; save changes to existing rows first.");
        AddAuditEntries();
        var transaction = Database.CurrentTransaction;
        // Like SaveChanges inside a transaction: a failed batch leaves nothing behind and the transaction usable.
        await transaction.CreateSavepointAsync("bulk_insert", ct);
        try
        {
            await BulkInserts.WriteAsync(this, ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList(), ct);
            await transaction.ReleaseSavepointAsync("bulk_insert", ct);
        }
        catch (System.Data.Common.DbException e)
        {
            await transaction.RollbackToSavepointAsync("bulk_insert", ct);
            // The same shape SaveChanges gives, so a unique or foreign-key violation is explained (409), not a 500.
            throw new DbUpdateException("A bulk insert failed: " + e.Message, e);
        }
        ChangeTracker.Clear();
    }

    /// <summary>
    /// Writes <paramref name="rows"/> through the bulk path without tracking them (and without audit entries): for
    /// ledgers and batches too large for the change tracker. Identity keys are left to the database. Needs a transaction.
    /// </summary>
    public async Task BulkInsertAsync<T>(IEnumerable<T> rows, CancellationToken ct) where T : class
    {
        var transaction = Database.CurrentTransaction
                          ?? throw new InvalidOperationException("BulkInsertAsync runs inside a transaction; begin one first.");
        await transaction.CreateSavepointAsync("bulk_insert", ct);
        try
        {
            await BulkInserts.WriteUntrackedAsync(this, rows, ct);
            await transaction.ReleaseSavepointAsync("bulk_insert", ct);
        }
        catch (System.Data.Common.DbException e)
        {
            await transaction.RollbackToSavepointAsync("bulk_insert", ct);
            throw new DbUpdateException("A bulk insert failed: " + e.Message, e);
        }
    }

    private void AddAuditEntries()
    {
        foreach (var (entry, _) in AuditRecorder.Collect(ChangeTracker, actor, time, static _ => Guid.Empty))
            AuditEntries.Add((AuditEntry)entry);
    }
}
