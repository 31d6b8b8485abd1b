namespace Shelfbook.Catalog.Contracts;

/// <summary>
/// One order line as a shop sold it: which shop, the platform's item and SKU ids (when the platform gives them),
/// the seller code (商家编码 / outer SKU id), how many, the line's amount in minor units, and when it was ordered
/// (replacement rules have dates).
/// </summary>
public sealed record LineToResolve(
    Guid? ShopId, string? PlatformItemId, string? PlatformSkuId, string? SellerCode, int Quantity, long Amount = 0, DateTime? OrderedAt = null);

/// <summary>
/// A plain SKU to reserve and pick for a line. <see cref="ComboSkuId"/> names the combo it came from (the order
/// still shows the combo); <see cref="ReplacedSkuId"/> the SKU a replacement rule took out. Amounts of a line's
/// parts add up to the line's amount exactly.
/// </summary>
public sealed record ResolvedPart(Guid SkuId, string SkuCode, long Quantity, long Amount, Guid? ComboSkuId = null, Guid? ReplacedSkuId = null);

/// <summary>Why a line could not be resolved: a code (unmapped, inactive_sku, combo_cycle, bad_quantity) and the value at fault.</summary>
public sealed record ResolutionFailure(string Code, string Message, string? Value = null);

/// <summary>
/// The answer for one line: the SKU the line names after listing mapping and aliases (<see cref="SkuId"/>, a combo
/// or a plain SKU, with the listing's <see cref="Multiplier"/>), the rule that replaced it if any, and the plain
/// <see cref="Parts"/> — or a <see cref="Failure"/> and no parts.
/// </summary>
public sealed record Resolution(
    Guid? SkuId, string? SkuCode, int Multiplier, IReadOnlyList<ResolvedPart> Parts, ResolutionFailure? Failure = null,
    Guid? ListingId = null, Guid? ReplacementId = null)
{
    public bool Resolved => Failure is null;
}

/// <summary>
/// Stock a replacement rule marked "only when out of stock" is checked against: the available quantity of a SKU
/// (over the warehouses the caller cares about). Without it such rules are not applied. It may be called from
/// several threads at once (a batch is resolved on every core), so it must only read.
/// </summary>
public delegate long AvailableStock(Guid skuId);

/// <summary>
/// The one resolution function: shop lines → SKU lines to stock and pick, applying listing mapping (with
/// multipliers), codes, aliases and barcodes, replacement rules and combos. It reads what it needs for the whole
/// batch in a few set-based queries (chunked), never a query per line; results come back in the order given.
/// </summary>
public interface IResolveLines
{
    Task<IReadOnlyList<Resolution>> ResolveAsync(IReadOnlyList<LineToResolve> lines, AvailableStock? available = null, CancellationToken ct = default);
}
