using Shelfbook.Data.Audit;

namespace Shelfbook.Orders.Domain;

/// <summary>
/// 审核规则: conditions on an arriving order (all that are set must hold; a list holds when the order matches any of
/// it) and what to do when they do. The tenant's rules are looked at in priority order and every matching one acts,
/// unless one says to stop; an order held or flagged by a rule is not audited automatically.
/// </summary>
[Audited(AuditCategory.Order, "audit_rule", Ignore = [nameof(UpdatedAt)])]
public sealed class AuditRule
{
    public const int NameMax = 100;
    public const int TagMax = 30;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public int Priority { get; set; }
    public string Name { get; set; } = "";
    public bool Active { get; set; } = true;

    // Conditions.
    public List<Guid> ShopIds { get; set; } = [];
    public List<string> Platforms { get; set; } = [];

    /// <summary>What the buyer paid, in minor units: at least / at most.</summary>
    public long? PaidMin { get; set; }

    public long? PaidMax { get; set; }

    /// <summary>The order holds any of these SKUs (by code; a combo's code or a part's).</summary>
    public List<string> SkuCodes { get; set; } = [];

    /// <summary>The order holds a SKU of any of these categories (or one below them).</summary>
    public List<Guid> CategoryIds { get; set; } = [];

    public List<string> Brands { get; set; } = [];

    /// <summary>The destination province starts with any of these (广东 matches 广东省).</summary>
    public List<string> Provinces { get; set; } = [];

    /// <summary>The buyer left a remark (true), or did not (false).</summary>
    public bool? HasRemark { get; set; }

    public int? LinesMin { get; set; }
    public int? LinesMax { get; set; }

    /// <summary>The order's weight from its SKUs' weights, in grams.</summary>
    public int? WeightMin { get; set; }

    public int? WeightMax { get; set; }
    public bool? Presale { get; set; }

    /// <summary>The order carries any of these tags.</summary>
    public List<string> Tags { get; set; } = [];

    // Actions.
    /// <summary>Hold the order (挂起) with this reason.</summary>
    public string? HoldReason { get; set; }

    /// <summary>Put it in the exception queue (规则标记) for a person to look at.</summary>
    public bool Flag { get; set; }

    public Guid? WarehouseId { get; set; }
    public string? CarrierCode { get; set; }
    public string? AddTag { get; set; }

    /// <summary>Audit it at once when nothing held or flagged it (自动审核).</summary>
    public bool AutoAudit { get; set; }

    /// <summary>No rule after this one looks at an order this one matched.</summary>
    public bool Stop { get; set; }

    public DateTime UpdatedAt { get; set; }
}
