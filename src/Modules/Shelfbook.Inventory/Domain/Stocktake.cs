using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Inventory.Domain;

public enum StocktakeStatus
{
    Counting,
    Posted,
    Cancelled,
}

/// <summary>
/// A count sheet (盘点单) for one warehouse. Its lines hold the book quantity when counting started; each count
/// records the book quantity at that moment too, so what moved while the sheet was open is not counted as a
/// difference: difference = counted − (snapshot + movements since) = counted − book at count.
/// </summary>
[Audited(AuditCategory.Stock, "stocktake", Ignore = [nameof(UpdatedAt)])]
public sealed class Stocktake
{
    private Stocktake() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string No { get; private set; } = "";

    internal void Renumber(string no) => No = no;
    public Guid WarehouseId { get; private set; }
    public StocktakeStatus Status { get; private set; } = StocktakeStatus.Counting;

    /// <summary>盲盘: counters do not see the book quantity.</summary>
    public bool Blind { get; private set; }

    /// <summary>What the sheet covers, as people read it ("全部", "分类: 服装", "120 个 SKU").</summary>
    public string Scope { get; private set; } = "";

    public string? Note { get; private set; }
    public string Reason { get; private set; } = "count_difference";
    public int LineCount { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public string? PostedBy { get; private set; }
    public DateTime? PostedAt { get; private set; }

    public static Stocktake Start(string no, Guid warehouseId, bool blind, string scope, string? note, int lineCount, string by, DateTime now) =>
        new() { No = no, WarehouseId = warehouseId, Blind = blind, Scope = scope, Note = note, LineCount = lineCount, CreatedBy = by, CreatedAt = now, UpdatedAt = now };

    public void EnsureCounting()
    {
        if (Status == StocktakeStatus.Posted) throw new RuleViolatedException("stocktake.already_posted", $"{No} is posted already.", No);
        if (Status == StocktakeStatus.Cancelled) throw new RuleViolatedException("stocktake.cancelled", $"{No} is cancelled.", No);
    }

    public void MarkPosted(string reason, string by, DateTime now)
    {
        EnsureCounting();
        Status = StocktakeStatus.Posted;
        Reason = reason;
        PostedBy = by;
        PostedAt = now;
        UpdatedAt = now;
    }

    public void Cancel(DateTime now)
    {
        EnsureCounting();
        Status = StocktakeStatus.Cancelled;
        UpdatedAt = now;
    }

    public void AddLines(int count, DateTime now)
    {
        LineCount += count;
        UpdatedAt = now;
    }
}

/// <summary>One SKU (and condition) on a count sheet. Counts are saved one line at a time, never as a whole sheet.</summary>
public sealed class StocktakeLine
{
    public Guid StocktakeId { get; set; }
    public Guid SkuId { get; set; }
    public StockCondition Condition { get; set; }

    /// <summary>
    /// The SKU's code as it was when the line was made, upper-case, and the condition ("CUP-1|Sellable"): the sheet's
    /// order and keyset key, indexed with the sheet, so a 100,000-line sheet pages without joining the catalog.
    /// </summary>
    public string SortKey { get; set; } = "";

    public static string SortKeyOf(string normalizedCode, StockCondition condition) => normalizedCode + "|" + condition;

    /// <summary>The book when counting started.</summary>
    public long Snapshot { get; set; }

    public int? Counted { get; set; }

    /// <summary>The book when the line was last counted: snapshot + what moved since.</summary>
    public long? BookAtCount { get; set; }

    public DateTime? CountedAt { get; set; }
    public string? CountedBy { get; set; }
}

public enum TransferStatus
{
    Draft,
    Shipped,
    PartiallyReceived,
    Received,
    Closed,
    Cancelled,
}

/// <summary>
/// A transfer (调拨单) of sellable stock between two warehouses. Shipping takes it off the source and puts it in transit
/// at the destination (condition <see cref="StockCondition.InTransit"/>); receipts move it from in transit to sellable,
/// in as many parts as it arrives; closing writes off what never arrived as a loss (or books an overage).
/// </summary>
[Audited(AuditCategory.Stock, "transfer", Ignore = [nameof(UpdatedAt)])]
public sealed class Transfer
{
    private readonly List<TransferLine> _lines = [];

    private Transfer() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string No { get; private set; } = "";

    internal void Renumber(string no) => No = no;
    public Guid FromWarehouseId { get; private set; }
    public Guid ToWarehouseId { get; private set; }
    public TransferStatus Status { get; private set; } = TransferStatus.Draft;
    public string? Note { get; private set; }
    public int Receipts { get; private set; }
    public string? CloseReason { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? ShippedAt { get; private set; }
    public DateTime? ClosedAt { get; private set; }
    public IReadOnlyList<TransferLine> Lines => _lines;

    public static Transfer Create(string no, Guid from, Guid to, string? note, IEnumerable<TransferLine> lines, string by, DateTime now)
    {
        var transfer = new Transfer { No = no, CreatedBy = by, CreatedAt = now };
        transfer.Replace(from, to, note, lines, now);
        return transfer;
    }

    public void Update(Guid from, Guid to, string? note, IEnumerable<TransferLine> lines, DateTime now)
    {
        if (Status != TransferStatus.Draft) throw NotIn("draft");
        Replace(from, to, note, lines, now);
    }

    public void MarkShipped(DateTime now)
    {
        if (Status != TransferStatus.Draft) throw NotIn("draft");
        foreach (var line in _lines) line.Shipped = line.Quantity;
        Status = TransferStatus.Shipped;
        ShippedAt = now;
        UpdatedAt = now;
    }

    public void EnsureReceivable()
    {
        if (Status is not (TransferStatus.Shipped or TransferStatus.PartiallyReceived)) throw NotIn("shipped");
    }

    public void Received(DateTime now)
    {
        Receipts++;
        Status = _lines.All(l => l.Received >= l.Shipped) ? TransferStatus.Received : TransferStatus.PartiallyReceived;
        UpdatedAt = now;
    }

    public void Close(string? reason, DateTime now)
    {
        if (Status is not (TransferStatus.Shipped or TransferStatus.PartiallyReceived or TransferStatus.Received)) throw NotIn("shipped");
        Status = TransferStatus.Closed;
        CloseReason = reason;
        ClosedAt = now;
        UpdatedAt = now;
    }

    public void Cancel(DateTime now)
    {
        if (Status != TransferStatus.Draft) throw NotIn("draft");
        Status = TransferStatus.Cancelled;
        UpdatedAt = now;
    }

    private RuleViolatedException NotIn(string wanted) =>
        new($"transfer.not_{wanted}", $"{No} is {Status}; this needs a {wanted} transfer.", No, Status.ToString());

    private void Replace(Guid from, Guid to, string? note, IEnumerable<TransferLine> lines, DateTime now)
    {
        FromWarehouseId = from;
        ToWarehouseId = to;
        Note = note;
        // Lines are keyed by (transfer, line number): change the rows that stay rather than delete and re-add a key.
        var given = lines.ToList();
        _lines.RemoveAll(l => given.All(g => g.Line != l.Line));
        foreach (var line in given)
        {
            if (_lines.Find(l => l.Line == line.Line) is { } existing)
            {
                existing.SkuId = line.SkuId;
                existing.Quantity = line.Quantity;
            }
            else _lines.Add(line);
        }
        UpdatedAt = now;
    }
}

public sealed class TransferLine(int line, Guid skuId, int quantity)
{
    public Guid TransferId { get; private set; }
    public int Line { get; private set; } = line;
    public Guid SkuId { get; internal set; } = skuId;
    public int Quantity { get; internal set; } = quantity;
    public int Shipped { get; internal set; }
    public int Received { get; internal set; }

    /// <summary>Written off (positive: lost) or booked as found (negative: overage) when the transfer closed.</summary>
    public int ClosedDifference { get; internal set; }

    public int InTransit(TransferStatus status) => status is TransferStatus.Closed or TransferStatus.Cancelled ? 0 : Math.Max(0, Shipped - Received);
}
