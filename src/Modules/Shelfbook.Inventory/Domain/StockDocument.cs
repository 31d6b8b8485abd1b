using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Inventory.Domain;

public enum StockDocumentKind
{
    /// <summary>手工入库</summary>
    ManualIn,

    /// <summary>手工出库</summary>
    ManualOut,

    /// <summary>良次转换: sellable to non-sellable or back, within one warehouse.</summary>
    ConditionChange,
}

public enum DocumentStatus
{
    Draft,
    Posted,
    Cancelled,
}

public enum ReasonDirection
{
    In,
    Out,
    Both,
}

/// <summary>A reason code for manual in/out and stocktake differences (样品, 赠品, 报损 …): a tenant's own list.</summary>
[Audited(AuditCategory.Stock, "stock_reason")]
public sealed class StockReason
{
    public const int CodeMax = 32;

    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public ReasonDirection Direction { get; set; }
    public bool Active { get; set; } = true;
    public int Sort { get; set; }

    public bool Allows(StockDocumentKind kind) =>
        Direction == ReasonDirection.Both || (kind == StockDocumentKind.ManualIn ? Direction == ReasonDirection.In : Direction == ReasonDirection.Out);
}

/// <summary>What a user types for one line: the SKU by id or code, a quantity, the condition, a unit cost (receipts).</summary>
public sealed record StockLineInput(Guid? SkuId, string? SkuCode, int? Quantity, string? Condition = null, long? UnitCost = null);

public sealed record StockDocumentInput(string? Kind, Guid? WarehouseId, string? Reason, string? Note, IReadOnlyList<StockLineInput>? Lines);

/// <summary>
/// A manual stock document (手工出入库单 / 良次转换单): a draft is edited freely; posting writes its movements once and
/// freezes it; a draft may be cancelled. The lines' SKUs and the warehouse are checked by the handler, which knows them.
/// </summary>
[Audited(AuditCategory.Stock, "stock_document", Ignore = [nameof(UpdatedAt)])]
public sealed class StockDocument
{
    public const int MaxLines = 10_000;

    private readonly List<StockDocumentLine> _lines = [];

    private StockDocument() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string No { get; private set; } = "";

    internal void Renumber(string no) => No = no;
    public StockDocumentKind Kind { get; private set; }
    public Guid WarehouseId { get; private set; }
    public string? Reason { get; private set; }
    public string? Note { get; private set; }
    public DocumentStatus Status { get; private set; } = DocumentStatus.Draft;
    public string CreatedBy { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public string? PostedBy { get; private set; }
    public DateTime? PostedAt { get; private set; }
    public IReadOnlyList<StockDocumentLine> Lines => _lines;

    public static StockDocument Create(string no, StockDocumentKind kind, Guid warehouseId, string? reason, string? note, IEnumerable<StockDocumentLine> lines, string by, DateTime now)
    {
        var document = new StockDocument { No = no, Kind = kind, CreatedBy = by, CreatedAt = now };
        document.Replace(warehouseId, reason, note, lines, now);
        return document;
    }

    public void Update(Guid warehouseId, string? reason, string? note, IEnumerable<StockDocumentLine> lines, DateTime now)
    {
        EnsureDraft();
        Replace(warehouseId, reason, note, lines, now);
    }

    public void MarkPosted(string by, DateTime now)
    {
        EnsureDraft();
        Status = DocumentStatus.Posted;
        PostedBy = by;
        PostedAt = now;
        UpdatedAt = now;
    }

    public void Cancel(DateTime now)
    {
        EnsureDraft();
        Status = DocumentStatus.Cancelled;
        UpdatedAt = now;
    }

    private void EnsureDraft()
    {
        if (Status == DocumentStatus.Posted) throw new RuleViolatedException("document.already_posted", $"{No} is posted already; a posted document cannot change or post again.", No);
        if (Status == DocumentStatus.Cancelled) throw new RuleViolatedException("document.cancelled", $"{No} is cancelled.", No);
    }

    private void Replace(Guid warehouseId, string? reason, string? note, IEnumerable<StockDocumentLine> lines, DateTime now)
    {
        WarehouseId = warehouseId;
        Reason = reason;
        Note = note;
        // Lines are keyed by (document, line number): change the rows that stay rather than delete and re-add a key.
        var given = lines.ToList();
        _lines.RemoveAll(l => given.All(g => g.Line != l.Line));
        foreach (var line in given)
        {
            if (_lines.Find(l => l.Line == line.Line) is { } existing) existing.CopyFrom(line);
            else _lines.Add(line);
        }
        UpdatedAt = now;
    }
}

/// <summary>
/// One line. <see cref="Condition"/> is the condition taken in or out; for a condition change it is the condition the
/// units leave (they arrive in the other one).
/// </summary>
public sealed class StockDocumentLine
{
    public Guid DocumentId { get; private set; }
    public int Line { get; private set; }
    public Guid SkuId { get; private set; }
    public int Quantity { get; private set; }
    public StockCondition Condition { get; private set; }
    public long? UnitCost { get; private set; }

    internal void CopyFrom(StockDocumentLine other)
    {
        SkuId = other.SkuId;
        Quantity = other.Quantity;
        Condition = other.Condition;
        UnitCost = other.UnitCost;
    }

    public StockDocumentLine(int line, Guid skuId, int quantity, StockCondition condition, long? unitCost)
    {
        Line = line;
        SkuId = skuId;
        Quantity = quantity;
        Condition = condition;
        UnitCost = unitCost;
    }
}
