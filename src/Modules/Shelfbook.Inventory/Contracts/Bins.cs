namespace Shelfbook.Inventory.Contracts;

/// <summary>
/// 库位: where SKUs sit in a warehouse, so that a count can be limited to some bins. Inventory asks; the module that keeps
/// each SKU's default bin (Fulfillment) answers. Without that module no bin is known.
/// </summary>
public interface IBinDirectory
{
    /// <summary>The SKUs whose default bin in the warehouse starts with one of the codes: a bin, or a zone ("A-01" takes "A-01-03").</summary>
    Task<IReadOnlyCollection<Guid>> SkusInBinsAsync(Guid warehouseId, IReadOnlyList<string> binCodes, CancellationToken ct);
}
