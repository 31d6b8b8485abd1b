using Shelfbook.Kernel;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Shelfbook.Data.Audit;

/// <summary>The five books of the change log that sellers know: 系统 / 货品 / 订单 / 采购 / 库存.</summary>
public enum AuditCategory
{
    System,
    Product,
    Order,
    Purchase,
    Stock,
}

/// <summary>
/// Marks an entity whose changes are written to the audit log by SaveChanges, in the same transaction.
/// Set-based writes (ExecuteUpdate, COPY) bypass change tracking and add their entries themselves.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AuditedAttribute(AuditCategory category, string entityType) : Attribute
{
    public AuditCategory Category { get; } = category;
    public string EntityType { get; } = entityType;

    /// <summary>Properties never written to the log (secrets, counters that change on every request).</summary>
    public string[] Ignore { get; init; } = [];

    /// <summary>
    /// A row that appears holding only default values (made by the system for its own bookkeeping) is not logged; once
    /// a person sets a value, the change is.
    /// </summary>
    public bool QuietDefaults { get; init; }
}

/// <summary>Who is acting: the signed-in user, a token's user, or the system (CLI, jobs).</summary>
public interface IAuditActor
{
    Guid? UserId { get; }
    string UserName { get; }
}

public sealed class SystemActor(string name = "system") : IAuditActor
{
    public Guid? UserId => null;
    public string UserName { get; } = name;
}

public abstract class AuditEntryBase
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public Guid? UserId { get; set; }
    public required string UserName { get; set; }
    public AuditCategory Category { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    public required string Action { get; set; }

    /// <summary>Compact JSON: <c>{"field":[before,after], …}</c> of the fields that changed.</summary>
    public required string Changes { get; set; }
}

/// <summary>An entry in a tenant database.</summary>
public sealed class AuditEntry : AuditEntryBase;

/// <summary>An entry about the control database (users, roles, tokens, tenants), tagged with the tenant.</summary>
public sealed class ControlAuditEntry : AuditEntryBase
{
    public Guid TenantId { get; set; }
}

internal static class AuditEntryShape
{
    public static void Configure<T>(EntityTypeBuilder<T> e) where T : AuditEntryBase
    {
        e.Property(a => a.UserName).HasMaxLength(100);
        e.Property(a => a.EntityType).HasMaxLength(64);
        e.Property(a => a.EntityId).HasMaxLength(100);
        e.Property(a => a.Action).HasMaxLength(64);
        e.Property(a => a.Category).HasConversion<string>().HasMaxLength(16);
    }
}

public static class AuditRecorder
{
    private static readonly ConditionalWeakTable<object, string> Actions = new();

    /// <summary>
    /// Names the business action for the next save of this entity (e.g. <c>deactivate</c>) instead of the
    /// generic <c>create</c> / <c>update</c> / <c>delete</c>.
    /// </summary>
    public static void Describe(object entity, string action) => Actions.AddOrUpdate(entity, action);

    internal static List<(AuditEntryBase Entry, Guid TenantId)> Collect(
        ChangeTracker tracker, IAuditActor actor, TimeProvider time, Func<object, Guid> tenantOf)
    {
        tracker.DetectChanges();
        var now = time.StoredUtcNow();
        var result = new List<(AuditEntryBase, Guid)>();
        foreach (var entry in tracker.Entries().ToList())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            var audited = AuditedOf(entry.Entity.GetType());
            if (audited is null) continue;

            var changes = new JsonObject();
            // A single-column key is the entry's EntityId already; the parts of a composite key (user + role) say what it links.
            var singleKey = entry.Metadata.FindPrimaryKey()!.Properties.Count == 1;
            foreach (var property in entry.Properties)
            {
                var name = property.Metadata.Name;
                if (audited.Ignore.Contains(name) || (singleKey && property.Metadata.IsPrimaryKey())) continue;
                var before = Readable(entry.State == EntityState.Added ? null : property.OriginalValue);
                var after = Readable(entry.State == EntityState.Deleted ? null : property.CurrentValue);
                if (entry.State == EntityState.Modified && !property.IsModified) continue;
                if (Equals(before, after) || (before is System.Collections.IEnumerable && after is System.Collections.IEnumerable
                        && JsonSerializer.Serialize(before) == JsonSerializer.Serialize(after))) continue;
                changes[CamelNames.GetOrAdd(name, JsonNamingPolicy.CamelCase.ConvertName)] = new JsonArray(Node(before), Node(after));
            }
            // A described action (reset_password, unlock) is logged even when every field it touched is a secret;
            // a row that appears or disappears is always logged.
            var isDescribed = Actions.TryGetValue(entry.Entity, out var described);
            if (changes.Count == 0 && !isDescribed && entry.State == EntityState.Modified) continue;
            if (audited.QuietDefaults && !isDescribed && entry.State == EntityState.Added
                && entry.Properties.Where(p => !audited.Ignore.Contains(p.Metadata.Name) && !p.Metadata.IsPrimaryKey())
                    .All(p => p.CurrentValue is null || Equals(p.CurrentValue, p.Metadata.ClrType.IsValueType ? Activator.CreateInstance(p.Metadata.ClrType) : null)))
                continue;

            var action = described ?? entry.State switch { EntityState.Added => "create", EntityState.Deleted => "delete", _ => "update" };
            Actions.Remove(entry.Entity);

            var key = entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue?.ToString());
            result.Add((new AuditEntry
            {
                At = now,
                UserId = actor.UserId,
                UserName = actor.UserName,
                Category = audited.Category,
                EntityType = audited.EntityType,
                EntityId = string.Join(",", key),
                Action = action,
                Changes = changes.ToJsonString(),
            }, tenantOf(entry.Entity)));
        }
        return result;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, AuditedAttribute?> Audited = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> CamelNames = new();

    private static AuditedAttribute? AuditedOf(Type type) =>
        Audited.GetOrAdd(type, t => (AuditedAttribute?)Attribute.GetCustomAttribute(t, typeof(AuditedAttribute)));

    /// <summary>Plain values become JSON directly; only collections and the unusual go through the (slower) serializer.</summary>
    private static JsonNode? Node(object? value) => value switch
    {
        null => null,
        string v => JsonValue.Create(v),
        int v => JsonValue.Create(v),
        long v => JsonValue.Create(v),
        bool v => JsonValue.Create(v),
        Guid v => JsonValue.Create(v),
        DateTime v => JsonValue.Create(v),
        decimal v => JsonValue.Create(v),
        _ => JsonSerializer.SerializeToNode(value),
    };

    /// <summary>Enums by name: a log that says <c>ThirdParty</c> is readable without the code.</summary>
    private static object? Readable(object? value) => value is Enum e ? e.ToString() : value;
}

/// <summary>SQLite hands DateTime back as Unspecified; every time in Shelfbook is UTC.</summary>
public sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
