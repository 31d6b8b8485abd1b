using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Domain;

public sealed record ReplacementInput(
    string? FromCode, string? ToCode, int? Factor = null, Guid? ShopId = null, DateTime? StartsAt = null, DateTime? EndsAt = null,
    bool OnlyWhenOutOfStock = false, string? Note = null, bool? Active = null);

/// <summary>
/// A replacement rule (SKU替换): order lines for <see cref="FromSkuId"/> are filled with <see cref="Factor"/> ×
/// <see cref="ToSkuId"/> instead — in one shop or all, between two times, and optionally only while the original
/// is out of stock. A rule is applied once: the replacement is not replaced again, so rules cannot loop.
/// </summary>
[Audited(AuditCategory.Product, "sku_replacement")]
public sealed class SkuReplacement
{
    public const int MaxFactor = 999;

    private SkuReplacement() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid FromSkuId { get; private set; }
    public Guid ToSkuId { get; private set; }
    public int Factor { get; private set; } = 1;

    /// <summary>Null: every shop.</summary>
    public Guid? ShopId { get; private set; }

    public DateTime? StartsAt { get; private set; }
    public DateTime? EndsAt { get; private set; }
    public bool OnlyWhenOutOfStock { get; private set; }
    public string? Note { get; private set; }
    public bool Active { get; private set; } = true;
    public DateTime CreatedAt { get; private set; }

    public static SkuReplacement Create(ReplacementInput input, Sku? from, Sku? to, DateTime now)
    {
        var rule = new SkuReplacement { CreatedAt = now };
        rule.Update(input, from, to);
        return rule;
    }

    /// <summary><paramref name="from"/> and <paramref name="to"/> are the SKUs the codes name (null when unknown).</summary>
    public void Update(ReplacementInput input, Sku? from, Sku? to)
    {
        var check = new InputCheck();
        if (string.IsNullOrWhiteSpace(input.FromCode)) check.Add("fromCode", "required", "fromCode is required.");
        else if (from is null) check.Add("fromCode", "unknown_sku", $"No SKU has the code '{input.FromCode}'.", input.FromCode);
        if (string.IsNullOrWhiteSpace(input.ToCode)) check.Add("toCode", "required", "toCode is required.");
        else if (to is null) check.Add("toCode", "unknown_sku", $"No SKU has the code '{input.ToCode}'.", input.ToCode);
        else if (!to.Active) check.Add("toCode", "inactive_sku", $"{to.Code} is inactive.", to.Code);
        if (from is not null && to is not null && from.Id == to.Id) check.Add("toCode", "same_sku", "A SKU cannot replace itself.");
        var factor = input.Factor ?? 1;
        if (factor is < 1 or > MaxFactor) check.Add("factor", "out_of_range", $"factor must be 1–{MaxFactor}.", 1, MaxFactor);
        if (input.StartsAt is { } start && input.EndsAt is { } end && end <= start) check.Add("endsAt", "before_start", "endsAt must be after startsAt.");
        var note = check.Optional("note", input.Note, 200);
        check.ThrowIfAny();
        (FromSkuId, ToSkuId, Factor, ShopId, StartsAt, EndsAt, OnlyWhenOutOfStock, Note, Active) =
            (from!.Id, to!.Id, factor, input.ShopId, Utc(input.StartsAt), Utc(input.EndsAt), input.OnlyWhenOutOfStock, note, input.Active ?? Active);
    }

    private static DateTime? Utc(DateTime? at) => at is { } value ? TenantTime.FromApi(value) : null;

    /// <summary>Whether the rule speaks for an order line of <paramref name="shopId"/> placed at <paramref name="at"/>.</summary>
    public bool AppliesTo(Guid? shopId, DateTime at) =>
        Active && (ShopId is null || ShopId == shopId) && (StartsAt is null || at >= StartsAt) && (EndsAt is null || at < EndsAt);
}
