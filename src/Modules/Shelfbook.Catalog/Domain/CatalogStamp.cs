namespace Shelfbook.Catalog.Domain;

/// <summary>
/// One row whose <see cref="Version"/> the database itself raises (triggers, in the same transaction) whenever
/// anything resolution has read changes or goes: a SKU's code, state, kind or prices, a code, alias or barcode
/// changed or removed, combo components, replacement rules and the catalog settings. Resolution keeps a snapshot of
/// those per tenant and trusts it only while the version is the one it was read at (additions — new SKUs and codes —
/// do not move it; the resolver looks up what its snapshot lacks). No code writes it: a trigger cannot be forgotten
/// by a new write path (bulk insert, raw SQL) the way a line in a service can.
/// </summary>
public sealed class CatalogStamp
{
    public const int SingletonId = 1;

    public int Id { get; private set; } = SingletonId;

    public long Version { get; private set; }
}
