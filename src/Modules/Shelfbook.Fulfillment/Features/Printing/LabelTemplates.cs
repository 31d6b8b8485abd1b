using Microsoft.EntityFrameworkCore;
using Shelfbook.Data;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Kernel;

namespace Shelfbook.Fulfillment.Features.Printing;

public sealed record LabelTemplateView(Guid Id, string Name, int WidthMm, int HeightMm, IReadOnlyList<string> Fields, string? CarrierCode, bool IsDefault);

/// <summary>
/// 面单模板: a tenant's label sizes and fields (a handful). One template per carrier at most, one default; the labels of
/// a carrier print on its template, others on the default, and without either on the built-in 100×150 mm.
/// </summary>
public sealed class LabelTemplates(TenantDbContext db)
{
    public async Task<IReadOnlyList<LabelTemplateView>> ListAsync(CancellationToken ct) =>
        (await db.Set<LabelTemplate>().AsNoTracking().OrderByDescending(t => t.IsDefault).ThenBy(t => t.NormalizedName).ToListAsync(ct)).Select(View).ToList();

    public async Task<LabelTemplateView> CreateAsync(LabelTemplateInput input, CancellationToken ct)
    {
        var template = LabelTemplate.Create(input, db.Time.StoredUtcNow());
        db.Add(template);
        await SaveAsync(template, ct);
        return View(template);
    }

    public async Task<LabelTemplateView> UpdateAsync(Guid id, LabelTemplateInput input, CancellationToken ct)
    {
        var template = await db.Set<LabelTemplate>().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("label_template", id);
        template.Update(input, db.Time.StoredUtcNow());
        await SaveAsync(template, ct);
        return View(template);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var template = await db.Set<LabelTemplate>().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("label_template", id);
        db.Remove(template);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The template each carrier's labels print on (by upper-case code; the default under the empty key when there is one).</summary>
    internal async Task<Dictionary<string, LabelTemplate>> ByCarrierAsync(CancellationToken ct)
    {
        var all = await db.Set<LabelTemplate>().AsNoTracking().ToListAsync(ct);
        // One per carrier (two saves racing past the check would both stand: the first made wins, printing never fails on it).
        var chosen = all.Where(t => t.CarrierCode is not null).GroupBy(t => t.CarrierCode!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(t => t.Id).First(), StringComparer.Ordinal);
        if (all.Where(t => t.IsDefault).OrderBy(t => t.Id).FirstOrDefault() is { } fallback) chosen[""] = fallback;
        return chosen;
    }

    internal async Task<LabelTemplate> GetAsync(Guid id, CancellationToken ct) =>
        await db.Set<LabelTemplate>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct)
        ?? throw new InputRejectedException("templateId", "unknown_template", $"No label template has the id {id}.", id);

    private async Task SaveAsync(LabelTemplate template, CancellationToken ct)
    {
        await EnsureFreeAsync(template, ct);
        if (template.IsDefault)
            foreach (var other in await db.Set<LabelTemplate>().Where(t => t.IsDefault && t.Id != template.Id).ToListAsync(ct))
                other.ClearDefault(db.Time.StoredUtcNow());
        // Another request may take the name or the carrier between the check and the save; the unique index refuses the name then.
        await db.SaveOrExplainAsync(() => EnsureFreeAsync(template, ct), ct);
    }

    private async Task EnsureFreeAsync(LabelTemplate template, CancellationToken ct)
    {
        if (await db.Set<LabelTemplate>().AnyAsync(t => t.NormalizedName == template.NormalizedName && t.Id != template.Id, ct))
            throw new InputRejectedException("name", "duplicate", $"A label template named {template.Name} exists already.", template.Name);
        if (template.CarrierCode is { } carrier && await db.Set<LabelTemplate>().AnyAsync(t => t.CarrierCode == carrier && t.Id != template.Id, ct))
            throw new InputRejectedException("carrierCode", "carrier_taken", $"{carrier} has a label template already; edit that one.", carrier);
    }

    private static LabelTemplateView View(LabelTemplate t) =>
        new(t.Id, t.Name, t.WidthMm, t.HeightMm, LabelTemplate.AllFields.Where(t.FieldSet.Contains).ToList(), t.CarrierCode, t.IsDefault);
}
