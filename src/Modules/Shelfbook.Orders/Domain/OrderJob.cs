namespace Shelfbook.Orders.Domain;

/// <summary>What a batch job (批量处理) does to each order it holds.</summary>
public enum BatchAction
{
    Audit,
    Unaudit,
    Hold,
    Release,
    Cancel,

    /// <summary>改快递: the carrier <see cref="OrderJob.CarrierCode"/> wanted (none: the automatic choice again).</summary>
    SetCarrier,

    /// <summary>指定仓库: the warehouse <see cref="OrderJob.WarehouseId"/> audit must use (none: the allocation rules again).</summary>
    SetWarehouse,

    /// <summary>换商品: every unit of <see cref="OrderJob.FromSkuCode"/> to send becomes one of <see cref="OrderJob.ToSkuCode"/>.</summary>
    ReplaceSku,

    /// <summary>合并: the job's orders that make one parcel (same shop, buyer and address, not audited) are merged, group by group.</summary>
    Merge,
}

public enum JobState
{
    /// <summary>Waiting for a worker.</summary>
    Queued,

    /// <summary>A worker is on it (or was, and the next one goes on where it stopped).</summary>
    Running,

    Finished,

    /// <summary>Stopped by a person: the orders not reached yet stay untouched.</summary>
    Cancelled,
}

public enum ItemOutcome
{
    Pending,
    Done,
    Skipped,
    Failed,
}

/// <summary>
/// 批量处理: an action over a fixed list of orders (the ticked ones, or all that matched a filter when it was made), run
/// by a worker a chunk at a time. Each chunk's action and its orders' results commit together, so a job stopped
/// anywhere (the process killed, the node gone) goes on from the first order without a result and does nothing twice.
/// </summary>
public sealed class OrderJob
{
    public const int MaxOrders = 500_000;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public BatchAction Action { get; set; }
    public string? Reason { get; set; }
    public DateTime? Until { get; set; }

    /// <summary>The carrier a <see cref="BatchAction.SetCarrier"/> job sets (none: back to the automatic choice).</summary>
    public string? CarrierCode { get; set; }

    /// <summary>指定仓库: the warehouse wanted.</summary>
    public Guid? WarehouseId { get; set; }

    /// <summary>换商品: the SKU taken out and the one sent instead (codes as the catalog spells them).</summary>
    public string? FromSkuCode { get; set; }

    public string? ToSkuCode { get; set; }

    /// <summary>What was chosen, in words ("12 selected", or the filter), for the job list.</summary>
    public string Selection { get; set; } = "";

    public JobState State { get; set; }
    public int Total { get; set; }
    public int Done { get; set; }
    public int Skipped { get; set; }
    public int Failed { get; set; }

    /// <summary>Chunks that failed in a row (a worker retries a chunk twice, then marks its orders failed and goes on).</summary>
    public int Attempts { get; set; }

    public string? Error { get; set; }
    public Guid? CreatedById { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
}

/// <summary>One order of a job, in the job's order (<see cref="Seq"/>), with its result once its chunk has run.</summary>
public sealed class OrderJobItem
{
    public Guid JobId { get; set; }
    public int Seq { get; set; }
    public Guid OrderId { get; set; }
    public string? OrderNo { get; set; }
    public ItemOutcome Outcome { get; set; }
    public string? Code { get; set; }
    public string? Message { get; set; }
}
