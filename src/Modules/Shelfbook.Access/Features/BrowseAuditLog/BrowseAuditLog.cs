using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Control;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Access.Features.BrowseAuditLog;

public sealed record AuditFilter(
    string? Category = null, string? EntityType = null, string? EntityId = null, string? User = null, string? Action = null,
    DateTime? From = null, DateTime? To = null);

public sealed record AuditEntryView(
    string Id, DateTime At, string UserName, string Category, string EntityType, string EntityId, string Action, JsonElement Changes);

/// <summary>
/// The change log of one tenant, newest first. Business changes sit in the tenant database; changes to its
/// users, roles and tokens sit in the control database (they commit with those changes). The two are merged
/// by time under one keyset cursor: (time, source, id).
/// </summary>
public sealed class BrowseAuditLog(TenantDbContext tenantDb, ControlDbContext control, CurrentUser user)
{
    private const int TenantSource = 1;
    private const int ControlSource = 0;

    public async Task<Page<AuditEntryView>> ListAsync(AuditFilter filter, PageRequest page, CancellationToken ct)
    {
        var check = new InputCheck();
        AuditCategory? category = string.IsNullOrWhiteSpace(filter.Category) ? null : check.OneOf<AuditCategory>("category", filter.Category);
        if (filter.From > filter.To) check.Add("from", "after_to", "from must not be later than to.");
        var cursor = ParseCursor(page.AfterKey(), check);
        check.ThrowIfAny();

        var tenantCode = user.RequireTenant().Value;
        var tenantId = await control.Tenants.Where(t => t.Code == tenantCode).Select(t => t.Id).SingleAsync(ct);

        var zone = user.TimeZone;
        filter = filter with
        {
            From = filter.From is { } from ? TenantTime.ToUtc(from, zone) : null,
            To = filter.To is { } to ? TenantTime.ToUtc(to, zone) : null,
        };
        var tenantRows = Filter(tenantDb.AuditEntries.AsNoTracking(), filter, category);
        var controlRows = Filter(control.AuditEntries.AsNoTracking().Where(a => a.TenantId == tenantId), filter, category);
        if (cursor is { } c)
        {
            var (at, source, id) = c;
            tenantRows = tenantRows.Where(a => a.At < at || (a.At == at && source == TenantSource && a.Id < id));
            controlRows = controlRows.Where(a => a.At < at || (a.At == at && (source == TenantSource || a.Id < id)));
        }

        var take = page.Limit + 1;
        var fromTenant = await tenantRows.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(take).ToListAsync(ct);
        var fromControl = await controlRows.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(take).ToListAsync(ct);

        var merged = fromTenant.Select(a => (Entry: (AuditEntryBase)a, Source: TenantSource))
            .Concat(fromControl.Select(a => (Entry: (AuditEntryBase)a, Source: ControlSource)))
            .OrderByDescending(x => x.Entry.At).ThenByDescending(x => x.Source).ThenByDescending(x => x.Entry.Id)
            .Take(take)
            .ToList();
        var result = Page.From(merged, page.Limit, x => Cursor(x.Entry, x.Source));
        return new Page<AuditEntryView>(result.Items.Select(x => View(x.Entry, x.Source)).ToList(), result.Next);
    }

    /// <summary>The kinds of entity that appear in this tenant's log, for the filter (modules add kinds over time).</summary>
    public async Task<IReadOnlyList<string>> EntityTypesAsync(CancellationToken ct)
    {
        var tenantCode = user.RequireTenant().Value;
        var tenantId = await control.Tenants.Where(t => t.Code == tenantCode).Select(t => t.Id).SingleAsync(ct);
        var business = await tenantDb.AuditEntries.Select(a => a.EntityType).Distinct().ToListAsync(ct);
        var account = await control.AuditEntries.Where(a => a.TenantId == tenantId).Select(a => a.EntityType).Distinct().ToListAsync(ct);
        return business.Union(account).Order(StringComparer.Ordinal).ToList();
    }

    private static IQueryable<T> Filter<T>(IQueryable<T> rows, AuditFilter filter, AuditCategory? category) where T : AuditEntryBase
    {
        if (category is { } c) rows = rows.Where(a => a.Category == c);
        if (!string.IsNullOrWhiteSpace(filter.EntityType)) rows = rows.Where(a => a.EntityType == filter.EntityType.Trim());
        if (!string.IsNullOrWhiteSpace(filter.EntityId)) rows = rows.Where(a => a.EntityId == filter.EntityId.Trim());
        if (!string.IsNullOrWhiteSpace(filter.User)) rows = rows.Where(a => a.UserName.Contains(filter.User.Trim()));
        if (!string.IsNullOrWhiteSpace(filter.Action)) rows = rows.Where(a => a.Action == filter.Action.Trim());
        if (filter.From is { } from) rows = rows.Where(a => a.At >= from);
        if (filter.To is { } to) rows = rows.Where(a => a.At < to);
        return rows;
    }

    private static string Cursor(AuditEntryBase entry, int source) =>
        string.Create(CultureInfo.InvariantCulture, $"{entry.At.Ticks}|{source}|{entry.Id}");

    private static (DateTime At, int Source, long Id)? ParseCursor(string? key, InputCheck check)
    {
        if (key is null) return null;
        var parts = key.Split('|');
        if (parts.Length == 3
            && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var ticks) && ticks is > 0 and < 3155378975999999999
            && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var source) && source is TenantSource or ControlSource
            && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var id))
            return (new DateTime(ticks, DateTimeKind.Utc), source, id);
        check.Add("after", "invalid_cursor", "after is not a cursor returned by this list.");
        return null;
    }

    private static AuditEntryView View(AuditEntryBase a, int source)
    {
        using var changes = JsonDocument.Parse(a.Changes);
        return new AuditEntryView(
            (source == TenantSource ? "t" : "c") + a.Id.ToString(CultureInfo.InvariantCulture),
            a.At, a.UserName, a.Category.ToString(), a.EntityType, a.EntityId, a.Action, changes.RootElement.Clone());
    }
}
