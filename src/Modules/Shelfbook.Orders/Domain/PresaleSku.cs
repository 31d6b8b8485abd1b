using Shelfbook.Data.Audit;

namespace Shelfbook.Orders.Domain;

/// <summary>
/// 预售商品: a SKU (or a combo) the seller sells before it is in stock, which ships from a day on. Audit holds what
/// holds it until then (挂起 with that release time) — the whole order, or with 按预售拆分 only its presale lines, split
/// off so the rest ships now. Once the day has come the entry no longer acts.
/// </summary>
[Audited(AuditCategory.Order, "presale_sku", Ignore = [nameof(UpdatedAt)])]
public sealed class PresaleSku
{
    public const int NoteMax = 200;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SkuId { get; set; }

    /// <summary>The SKU's code when it was set, for lists and logs.</summary>
    public string SkuCode { get; set; } = "";

    /// <summary>When it ships from (UTC): the start of the chosen day on the tenant's clock.</summary>
    public DateTime ShipFrom { get; set; }

    public string? Note { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
