using Shelfbook.Data.Audit;
using Shelfbook.Kernel;
using Shelfbook.Orders.Addresses;

namespace Shelfbook.Orders.Domain;

/// <summary>Where a system order (系统订单) is in its life. The <see cref="Order"/> type owns the moves between them.</summary>
public enum OrderStatus
{
    /// <summary>待审核: taken in, waiting for audit.</summary>
    PendingAudit,

    /// <summary>已审核: warehouse and carrier chosen, stock reserved.</summary>
    Audited,

    /// <summary>Handed to fulfillment: in a wave, picked, packed or weighed.</summary>
    InFulfillment,

    Shipped,
    Completed,

    /// <summary>挂起: put aside by a person or a rule, with a reason and perhaps a time it comes back.</summary>
    Held,

    /// <summary>异常: something must be put right first (see <see cref="OrderExceptions"/>).</summary>
    Exception,

    Cancelled,

    /// <summary>拦截: a refund or cancellation arrived after audit; stopped before shipping, its stock released.</summary>
    Intercepted,

    /// <summary>已合并: its lines and platform orders went into another order (<see cref="Order.MergedInto"/>); nothing is left to do.</summary>
    Merged,
}

/// <summary>What is wrong with an order in 异常 (several at once).</summary>
[Flags]
public enum OrderExceptions
{
    None = 0,

    /// <summary>A line resolves to no SKU (商品未匹配).</summary>
    SkuNotMapped = 1,

    /// <summary>No warehouse can serve it (缺货).</summary>
    OutOfStock = 2,

    /// <summary>Province, city or street missing (地址不全).</summary>
    AddressIncomplete = 4,

    /// <summary>The buyer asked for a refund (退款中).</summary>
    RefundInProgress = 8,

    /// <summary>The buyer wrote a remark a person should read (买家留言).</summary>
    RemarkToRead = 16,

    /// <summary>Paid below a price floor or above a threshold (金额异常).</summary>
    AmountAnomaly = 32,

    /// <summary>Looks like an order already taken in (疑似重复).</summary>
    DuplicateSuspect = 64,

    /// <summary>Could be merged with another order of the same buyer and address (可合并).</summary>
    MergeCandidate = 128,

    /// <summary>An audit rule asks a person to look at it (规则标记).</summary>
    RuleFlagged = 256,
}

/// <summary>How an order came to be.</summary>
public enum OrderOrigin
{
    Platform,
    Manual,
    Import,
    Reissue,
}

/// <summary>
/// A system order (系统订单): one platform order taken in (until merged or split), a manual or imported one, or a
/// reissue. Money in minor units of <see cref="Currency"/>, times in UTC. The order knows which moves are legal; each
/// move answers the log entry that records it.
/// </summary>
public sealed class Order
{
    public const int NoMax = 32;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string OrderNo { get; set; } = "";
    public OrderOrigin Origin { get; set; }
    public Guid? ShopId { get; set; }

    /// <summary>The order this one reissues items of (补发); null for any other.</summary>
    public Guid? ReissueOf { get; set; }

    /// <summary>The order it was merged into (合并); set once it is <see cref="OrderStatus.Merged"/>.</summary>
    public Guid? MergedInto { get; set; }

    /// <summary>The order it was split off from (拆分): its platform orders stay with that one, which is confirmed with both parcels.</summary>
    public Guid? SplitFrom { get; set; }

    /// <summary>The platform order number(s) it came from, as the seller searches for them (the first when merged).</summary>
    public string? PlatformOrderNo { get; set; }

    public OrderStatus Status { get; set; }

    /// <summary>Where a held order goes back to when released.</summary>
    public OrderStatus? HeldFrom { get; set; }

    /// <summary>Why it is held (挂起) or intercepted (拦截).</summary>
    public string? HoldReason { get; set; }

    public DateTime? HoldUntil { get; set; }
    public OrderExceptions Exceptions { get; set; }

    public string? BuyerNick { get; set; }
    public string? BuyerMessage { get; set; }
    public string? SellerMemo { get; set; }
    public string? ReceiverName { get; set; }
    public string? ReceiverPhone { get; set; }
    public string? Country { get; set; }
    public string? Province { get; set; }
    public string? City { get; set; }
    public string? District { get; set; }
    public string? Address { get; set; }
    public string? PostalCode { get; set; }

    public string Currency { get; set; } = "CNY";
    public long GoodsAmount { get; set; }
    public long Discount { get; set; }
    public long Postage { get; set; }
    public long Paid { get; set; }

    public DateTime PlacedAt { get; set; }
    public DateTime? PaidAt { get; set; }
    public bool Presale { get; set; }
    public DateTime? ShipBy { get; set; }

    public Guid? WarehouseId { get; set; }

    /// <summary>Why that warehouse: the allocation rule that chose it (or the default order of warehouses).</summary>
    public string? AllocatedBy { get; set; }

    /// <summary>
    /// The carrier (快递公司) code: wanted by an audit rule or a person before audit (<see cref="CarrierBy"/> says which),
    /// chosen with its service at audit.
    /// </summary>
    public string? CarrierCode { get; set; }

    /// <summary>The carrier's service (物流方式) chosen at audit; none before, or when no service could take the parcel.</summary>
    public Guid? CarrierServiceId { get; set; }

    /// <summary>What set the carrier: <c>audit_rule:&lt;name&gt;</c>, <c>manual</c> (both kept through unaudit), or the audit's choice (<c>rule:&lt;name&gt;</c>, <c>cheapest</c>, <c>fixed</c>).</summary>
    public string? CarrierBy { get; set; }

    /// <summary>The carrier was wanted by an audit rule or a person, not chosen by the audit: unaudit keeps it.</summary>
    public bool CarrierFixed => CarrierBy is { } by && (by == "manual" || by.StartsWith("audit_rule:", StringComparison.Ordinal));

    /// <summary>The seller's tags (标签), set by hand or by audit rules.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>The warehouse an audit rule fixed for it, and the rule; audit tries only that one.</summary>
    public Guid? RuleWarehouseId { get; set; }

    public string? RuleWarehouseBy { get; set; }

    /// <summary>The audit rules have looked at it (they look at each order once, when it arrives).</summary>
    public bool RulesChecked { get; set; }

    /// <summary>The parcel's tracking number (运单号) once shipped; none for an order shipped without one (一键发货).</summary>
    public string? TrackingNo { get; set; }

    public DateTime? ShippedAt { get; set; }

    public int LineCount { get; set; }

    /// <summary>Units over all lines (as sold).</summary>
    public int Quantity { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Which moves are legal, from each status.</summary>
    private static readonly Dictionary<OrderStatus, OrderStatus[]> Moves = new()
    {
        [OrderStatus.PendingAudit] = [OrderStatus.Audited, OrderStatus.Held, OrderStatus.Exception, OrderStatus.Cancelled, OrderStatus.Merged],
        [OrderStatus.Exception] = [OrderStatus.PendingAudit, OrderStatus.Held, OrderStatus.Cancelled, OrderStatus.Merged],
        [OrderStatus.Held] = [OrderStatus.PendingAudit, OrderStatus.Exception, OrderStatus.Audited, OrderStatus.Intercepted, OrderStatus.Cancelled],
        [OrderStatus.Audited] = [OrderStatus.PendingAudit, OrderStatus.InFulfillment, OrderStatus.Held, OrderStatus.Intercepted, OrderStatus.Shipped, OrderStatus.Cancelled],
        [OrderStatus.InFulfillment] = [OrderStatus.Shipped, OrderStatus.Intercepted, OrderStatus.Audited],
        [OrderStatus.Shipped] = [OrderStatus.Completed],
        [OrderStatus.Intercepted] = [OrderStatus.PendingAudit, OrderStatus.Exception, OrderStatus.Cancelled],
        [OrderStatus.Completed] = [],
        [OrderStatus.Cancelled] = [],
        [OrderStatus.Merged] = [],
    };

    public bool CanMove(OrderStatus to) => Moves[Status].Contains(to);

    /// <summary>Moves to <paramref name="to"/>, or refuses with a clear error naming the order, where it is and what was asked.</summary>
    private OrderLogEntry Move(OrderStatus to, string action, string? reason, DateTime now)
    {
        if (!CanMove(to))
            throw new RuleViolatedException("order.illegal_transition", $"Order {OrderNo} is {Status}; it cannot be {action}.", OrderNo, Status, action);
        var entry = new OrderLogEntry { OrderId = Id, At = now, From = Status, To = to, Action = action, Reason = reason };
        (Status, UpdatedAt) = (to, now);
        return entry;
    }

    /// <summary>Taken in: its first status is pending audit, exception or held (a platform that forbids shipping yet).</summary>
    public OrderLogEntry TakeIn(OrderExceptions exceptions, string? holdReason, DateTime now)
    {
        Exceptions = exceptions;
        var (status, reason) = holdReason is not null ? (OrderStatus.Held, holdReason)
            : exceptions != OrderExceptions.None ? (OrderStatus.Exception, exceptions.ToString()) : (OrderStatus.PendingAudit, null);
        if (status == OrderStatus.Held) (HeldFrom, HoldReason) = (exceptions == OrderExceptions.None ? OrderStatus.PendingAudit : OrderStatus.Exception, holdReason);
        (Status, CreatedAt, UpdatedAt) = (status, now, now);
        return new OrderLogEntry { OrderId = Id, At = now, From = null, To = status, Action = "intake", Reason = reason };
    }

    /// <summary>
    /// 审核: the order's stock is reserved in <paramref name="warehouseId"/> (the caller did it in the same transaction).
    /// From pending audit, or from 异常 when being out of stock was its only exception.
    /// </summary>
    public OrderLogEntry Audit(Guid warehouseId, string allocatedBy, DateTime now)
    {
        var from = Status;
        if (Status == OrderStatus.Exception && Exceptions == OrderExceptions.OutOfStock)
            (Exceptions, Status) = (OrderExceptions.None, OrderStatus.PendingAudit);
        var entry = Move(OrderStatus.Audited, "audited", allocatedBy, now);
        (WarehouseId, AllocatedBy, entry.From) = (warehouseId, allocatedBy, from);
        return entry;
    }

    /// <summary>发货中: an audited order goes into a wave (<paramref name="waveNo"/>) to be picked; it keeps its stock.</summary>
    public OrderLogEntry StartFulfillment(string waveNo, DateTime now) =>
        Status == OrderStatus.Audited
            ? Move(OrderStatus.InFulfillment, "in_fulfillment", waveNo, now)
            : throw new RuleViolatedException("order.illegal_transition", $"Order {OrderNo} is {Status}; only audited orders go into a wave.", OrderNo, Status, "in_fulfillment");

    /// <summary>Taken out of its wave before it shipped: back to 已审核, its stock still reserved.</summary>
    public OrderLogEntry LeaveFulfillment(string? reason, DateTime now) =>
        Status == OrderStatus.InFulfillment
            ? Move(OrderStatus.Audited, "left_wave", reason, now)
            : throw new RuleViolatedException("order.illegal_transition", $"Order {OrderNo} is {Status}; only orders in a wave can leave it.", OrderNo, Status, "left_wave");

    /// <summary>
    /// 发货: an audited order, or one in fulfillment, leaves with its parcel (the caller consumed its reservations in the
    /// same transaction). The carrier the parcel went with replaces the one chosen, when given.
    /// </summary>
    public OrderLogEntry Ship(string? trackingNo, string? carrierCode, string mode, DateTime now)
    {
        var entry = Move(OrderStatus.Shipped, "shipped", trackingNo is null ? mode : $"{mode}:{trackingNo}", now);
        (TrackingNo, ShippedAt, HeldFrom, HoldReason, HoldUntil) = (trackingNo, now, null, null, null);
        if (carrierCode is not null) CarrierCode = carrierCode;
        return entry;
    }

    /// <summary>The service the audit chose goes; a carrier a rule or a person wanted stays for the next audit.</summary>
    private void ForgetCarrierChoice()
    {
        CarrierServiceId = null;
        if (!CarrierFixed) (CarrierCode, CarrierBy) = (null, null);
    }

    /// <summary>Orders that may be merged or split: not audited yet (pending, or in 异常).</summary>
    public bool Rearrangeable => Status is OrderStatus.PendingAudit or OrderStatus.Exception;

    /// <summary>What makes orders one parcel (合并): the same shop, buyer and receiver at the same address.</summary>
    public (Guid?, string?, string?, string?, string?, string?, string?, string?) MergeKey =>
        (ShopId, BuyerNick, ReceiverName, ReceiverPhone, Province, City, District, Address);

    /// <summary>
    /// 合并: this order takes the others in — their amounts, units, lines (the caller moves the rows), remarks, tags and
    /// exceptions (less 可合并 and 疑似重复, which the merge answers) — and each of them becomes 已合并. All must be
    /// rearrangeable, share the merge key and the currency. Answers the log entries, this order's last.
    /// </summary>
    public List<OrderLogEntry> Absorb(IReadOnlyList<Order> others, DateTime now)
    {
        foreach (var o in others.Prepend(this))
            if (!o.Rearrangeable)
                throw new RuleViolatedException("order.merge_not_pending", $"Order {o.OrderNo} is {o.Status}; only orders not audited yet can be merged.", o.OrderNo, o.Status);
        foreach (var o in others)
        {
            if (o.MergeKey != MergeKey)
                throw new RuleViolatedException("order.merge_mismatch", $"Order {o.OrderNo} has another shop, buyer or address than {OrderNo}.", o.OrderNo, OrderNo);
            if (o.Currency != Currency)
                throw new RuleViolatedException("order.merge_currency", $"Order {o.OrderNo} is in {o.Currency}, {OrderNo} in {Currency}.", o.OrderNo, OrderNo);
        }
        var entries = new List<OrderLogEntry>();
        foreach (var o in others)
        {
            entries.Add(o.Move(OrderStatus.Merged, "merged", OrderNo, now));
            o.MergedInto = Id;
            (GoodsAmount, Discount, Postage, Paid) = (GoodsAmount + o.GoodsAmount, Discount + o.Discount, Postage + o.Postage, Paid + o.Paid);
            (LineCount, Quantity) = (LineCount + o.LineCount, Quantity + o.Quantity);
            (PlacedAt, PaidAt) = (PlacedAt < o.PlacedAt ? PlacedAt : o.PlacedAt, PaidAt is { } a && o.PaidAt is { } b ? (a < b ? a : b) : PaidAt ?? o.PaidAt);
            (Presale, ShipBy) = (Presale || o.Presale, ShipBy is { } x && o.ShipBy is { } y ? (x < y ? x : y) : ShipBy ?? o.ShipBy);
            (BuyerMessage, SellerMemo) = (Join(BuyerMessage, o.BuyerMessage), Join(SellerMemo, o.SellerMemo));
            Tags = Tags.Union(o.Tags).ToList();
            if (CarrierCode is null && o.CarrierFixed) (CarrierCode, CarrierBy) = (o.CarrierCode, o.CarrierBy);
            Exceptions |= o.Exceptions;
        }
        Exceptions &= ~(OrderExceptions.MergeCandidate | OrderExceptions.DuplicateSuspect);
        var from = Status;
        Status = Exceptions == OrderExceptions.None ? OrderStatus.PendingAudit : OrderStatus.Exception;
        UpdatedAt = now;
        entries.Add(new OrderLogEntry { OrderId = Id, At = now, From = from, To = Status, Action = "merge", Reason = Cut(string.Join("、", others.Select(o => o.OrderNo))) });
        return entries;
    }

    /// <summary>
    /// 拆分: <paramref name="part"/> (a new order, its lines chosen by the caller) leaves this one with its goods, paid
    /// amount and units; this one loses <paramref name="wholeLines"/> lines that went over whole. Both keep the buyer, the
    /// receiver and the remarks; the part is 商品未匹配 only when <paramref name="partUnmatched"/>. This order must be
    /// rearrangeable; the caller leaves it at least one unit.
    /// </summary>
    public List<OrderLogEntry> SplitOff(Order part, string number, long goods, long paid, int partLines, int wholeLines, int units, bool partUnmatched, DateTime now)
    {
        if (!Rearrangeable)
            throw new RuleViolatedException("order.split_not_pending", $"Order {OrderNo} is {Status}; only orders not audited yet can be split.", OrderNo, Status);
        (part.OrderNo, part.Origin, part.ShopId, part.PlatformOrderNo, part.ReissueOf, part.SplitFrom) = (number, Origin, ShopId, PlatformOrderNo, ReissueOf, Id);
        (part.BuyerNick, part.BuyerMessage, part.SellerMemo, part.ReceiverName, part.ReceiverPhone) = (BuyerNick, BuyerMessage, SellerMemo, ReceiverName, ReceiverPhone);
        (part.Country, part.Province, part.City, part.District, part.Address, part.PostalCode) = (Country, Province, City, District, Address, PostalCode);
        (part.Currency, part.PlacedAt, part.PaidAt, part.Presale, part.ShipBy, part.Tags, part.RulesChecked) = (Currency, PlacedAt, PaidAt, Presale, ShipBy, [.. Tags], true);
        if (CarrierFixed) (part.CarrierCode, part.CarrierBy) = (CarrierCode, CarrierBy);
        (part.RuleWarehouseId, part.RuleWarehouseBy) = (RuleWarehouseId, RuleWarehouseBy);
        // The part carries its goods at their paid value; the discount stays with what it came from, the postage too.
        (part.GoodsAmount, part.Discount, part.Postage, part.Paid, part.LineCount, part.Quantity) = (goods, goods - paid, 0, paid, partLines, units);
        (GoodsAmount, Discount, Paid, LineCount, Quantity) = (GoodsAmount - goods, Discount - (goods - paid), Paid - paid, LineCount - wholeLines, Quantity - units);
        var flags = Exceptions & ~(OrderExceptions.MergeCandidate | OrderExceptions.DuplicateSuspect | OrderExceptions.SkuNotMapped);
        var log = part.TakeIn(partUnmatched ? flags | OrderExceptions.SkuNotMapped : flags, null, now);
        (log.Action, log.Reason) = ("split_off", OrderNo);
        UpdatedAt = now;
        return [log, new OrderLogEntry { OrderId = Id, At = now, From = Status, To = Status, Action = "split", Reason = number }];
    }

    private static string? Join(string? a, string? b) =>
        string.IsNullOrWhiteSpace(b) || a == b ? a : string.IsNullOrWhiteSpace(a) ? b : Cut(a + "；" + b, 500);

    private static string Cut(string text, int max = 300) => text.Length <= max ? text : text[..max];

    /// <summary>
    /// 指定快递: the carrier a person wants (none: back to the automatic choice), before fulfillment only; an order that has
    /// its warehouse gets its service chosen again by the caller.
    /// </summary>
    public OrderLogEntry WantCarrier(string? carrierCode, DateTime now)
    {
        if (Status is OrderStatus.InFulfillment or OrderStatus.Shipped or OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.Intercepted)
            throw new RuleViolatedException("order.carrier_locked", $"Order {OrderNo} is {Status}; its carrier can no longer change.", OrderNo, Status);
        var before = CarrierCode;
        (CarrierCode, CarrierBy, CarrierServiceId, UpdatedAt) = (carrierCode, carrierCode is null ? null : "manual", null, now);
        return new OrderLogEntry { OrderId = Id, At = now, From = Status, To = Status, Action = "carrier", Reason = $"{before ?? "-"} → {carrierCode ?? "auto"}" };
    }

    /// <summary>
    /// Whether its warehouse and goods may change by hand: not audited yet (待审核, 异常, held before audit) or
    /// intercepted (it goes through audit again). An audited order holds stock where it was allocated: unaudit it first.
    /// </summary>
    public bool BeforeAudit => Status is OrderStatus.PendingAudit or OrderStatus.Exception or OrderStatus.Intercepted || (Status == OrderStatus.Held && !HoldsStock);

    /// <summary>
    /// 指定仓库: the warehouse audit must ship it from (as an audit rule may fix it), or none for the allocation rules
    /// again. <paramref name="before"/> and <paramref name="after"/> are the warehouses' codes, for the log.
    /// </summary>
    public OrderLogEntry WantWarehouse(Guid? warehouseId, string? before, string? after, DateTime now)
    {
        if (!BeforeAudit)
            throw new RuleViolatedException("order.warehouse_locked", $"Order {OrderNo} is {Status}; unaudit it before choosing its warehouse.", OrderNo, Status);
        (RuleWarehouseId, RuleWarehouseBy, UpdatedAt) = (warehouseId, warehouseId is null ? null : "manual", now);
        return new OrderLogEntry { OrderId = Id, At = now, From = Status, To = Status, Action = "warehouse", Reason = $"{before ?? "-"} → {after ?? "auto"}" };
    }

    /// <summary>换商品: the goods to send change (the lines keep what was sold); before audit only, as for the warehouse.</summary>
    public OrderLogEntry ReplaceGoods(string from, string to, int units, DateTime now)
    {
        if (!BeforeAudit)
            throw new RuleViolatedException("order.goods_locked", $"Order {OrderNo} is {Status}; unaudit it before changing its goods.", OrderNo, Status);
        UpdatedAt = now;
        return new OrderLogEntry { OrderId = Id, At = now, From = Status, To = Status, Action = "goods_replaced", Reason = $"{from} → {to} × {units}" };
    }

    /// <summary>The service chosen at audit (none when no service could take the parcel; a wanted carrier is kept then).</summary>
    public void ChooseCarrier(string? carrierCode, Guid? serviceId, string? by)
    {
        if (serviceId is null && CarrierFixed) return;
        (CarrierCode, CarrierServiceId) = (carrierCode, serviceId);
        if (!CarrierFixed) CarrierBy = serviceId is null ? null : by;
    }

    /// <summary>Whether audit may try this order: pending, or in 异常 only for want of stock.</summary>
    public bool Auditable => Status == OrderStatus.PendingAudit || (Status == OrderStatus.Exception && Exceptions == OrderExceptions.OutOfStock);

    /// <summary>反审核: back to pending audit; the caller releases the stock in the same transaction.</summary>
    public OrderLogEntry Unaudit(string? reason, DateTime now)
    {
        if (Status != OrderStatus.Audited)
            throw new RuleViolatedException("order.illegal_transition", $"Order {OrderNo} is {Status}; it cannot be unaudited.", OrderNo, Status, "unaudited");
        var entry = Move(OrderStatus.PendingAudit, "unaudited", reason, now);
        (WarehouseId, AllocatedBy) = (null, null);
        ForgetCarrierChoice();
        return entry;
    }

    /// <summary>挂起: from pending audit, exception or audited; released by hand or at <paramref name="until"/>.</summary>
    public OrderLogEntry Hold(string reason, DateTime? until, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new InputRejectedException("reason", "required", "A hold needs a reason.");
        if (Status == OrderStatus.Held)
            throw new RuleViolatedException("order.illegal_transition", $"Order {OrderNo} is {Status}; it cannot be held.", OrderNo, Status, "held");
        var from = Status;
        var entry = Move(OrderStatus.Held, "held", reason, now);
        (HeldFrom, HoldReason, HoldUntil) = (from, reason.Trim(), until);
        return entry;
    }

    /// <summary>Whether it holds reserved stock: audited, in fulfillment, or held after audit (挂起 keeps the reservation).</summary>
    public bool HoldsStock => Status is OrderStatus.Audited or OrderStatus.InFulfillment || (Status == OrderStatus.Held && HeldFrom == OrderStatus.Audited);

    /// <summary>
    /// 拦截: an order past audit (holding stock) stops before it ships — a refund, a cancellation or a new address came,
    /// or a person asked; the caller releases its stock in the same transaction. It keeps the warehouse it was stopped
    /// in until released (back to audit) or cancelled.
    /// </summary>
    public OrderLogEntry Intercept(string reason, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new InputRejectedException("reason", "required", "An interception needs a reason.");
        if (!HoldsStock)
            throw new RuleViolatedException("order.not_interceptable", $"Order {OrderNo} is {Status}; only orders past audit and not shipped can be intercepted.", OrderNo, Status);
        var entry = Move(OrderStatus.Intercepted, "intercepted", reason, now);
        (HeldFrom, HoldReason, HoldUntil) = (null, Cut(reason.Trim(), 200), null);
        ForgetCarrierChoice();
        return entry;
    }

    /// <summary>
    /// Back to where it was held from (an exception that was put right meanwhile goes to pending audit); an intercepted
    /// order goes back to audit (or to 异常 while something is still wrong) and leaves its warehouse behind.
    /// </summary>
    public OrderLogEntry Release(string? reason, DateTime now)
    {
        if (Status == OrderStatus.Intercepted)
        {
            var released = Move(Exceptions == OrderExceptions.None ? OrderStatus.PendingAudit : OrderStatus.Exception, "released", reason, now);
            (HoldReason, WarehouseId, AllocatedBy) = (null, null, null);
            return released;
        }
        if (Status != OrderStatus.Held)
            throw new RuleViolatedException("order.illegal_transition", $"Order {OrderNo} is {Status}; it cannot be released.", OrderNo, Status, "released");
        var back = HeldFrom switch
        {
            OrderStatus.Exception when Exceptions == OrderExceptions.None => OrderStatus.PendingAudit,
            OrderStatus.PendingAudit when Exceptions != OrderExceptions.None => OrderStatus.Exception,
            { } from => from,
            null => Exceptions == OrderExceptions.None ? OrderStatus.PendingAudit : OrderStatus.Exception,
        };
        var entry = Move(back, "released", reason, now);
        (HeldFrom, HoldReason, HoldUntil) = (null, null, null);
        return entry;
    }

    /// <summary>
    /// 取消: before fulfillment. An audited order holds stock, which the caller releases in the same transaction; an
    /// order in fulfillment is intercepted instead.
    /// </summary>
    public OrderLogEntry Cancel(string? reason, DateTime now)
    {
        if (Status == OrderStatus.InFulfillment)
            throw new RuleViolatedException("order.in_fulfillment", $"Order {OrderNo} is in fulfillment; intercept it instead of cancelling.", OrderNo);
        var entry = Move(OrderStatus.Cancelled, "cancelled", reason, now);
        (HeldFrom, HoldReason, HoldUntil, WarehouseId) = (null, null, null, null);
        ForgetCarrierChoice();
        return entry;
    }

    /// <summary>
    /// An address a parcel can go to: a street, and for China (or no country) a province the region list knows and a
    /// city (地址不全或无法识别 otherwise).
    /// </summary>
    public bool AddressComplete =>
        !string.IsNullOrWhiteSpace(Address)
        && (!ChinaRegions.IsChina(Country) || (ChinaRegions.ProvinceOf(Province) is not null && !string.IsNullOrWhiteSpace(City)));

    /// <summary>Whether its address may change: before audit (also held before audit), or intercepted (it goes through audit again).</summary>
    public bool AddressOpen => Status is OrderStatus.PendingAudit or OrderStatus.Exception or OrderStatus.Intercepted || (Status == OrderStatus.Held && !HoldsStock);

    /// <summary>
    /// 修改地址: the receiver and the address, before audit only (an audited order is allocated by its destination:
    /// unaudit it first). A complete address clears 地址不全.
    /// </summary>
    public IReadOnlyList<OrderLogEntry> ChangeAddress(string receiverName, string? receiverPhone, string country, string? province, string? city, string? district,
        string address, string? postalCode, DateTime now)
    {
        if (!AddressOpen)
            throw new RuleViolatedException("order.address_locked", $"Order {OrderNo} is {Status}; its address can change only before audit.", OrderNo, Status);
        (ReceiverName, ReceiverPhone, Country, Province, City, District, Address, PostalCode, UpdatedAt) =
            (receiverName, receiverPhone, country, province, city, district, address, postalCode, now);
        var place = $"{Province}{City}{District}{Address}";
        List<OrderLogEntry> entries = [new() { OrderId = Id, At = now, From = Status, To = Status, Action = "address_changed", Reason = place.Length > 300 ? place[..300] : place }];
        if (AddressComplete && Clear(OrderExceptions.AddressIncomplete, null, now) is { } cleared) entries.Add(cleared);
        return entries;
    }

    /// <summary>
    /// The platform changed the receiver or the address (a buyer's request the platform accepted): read like intake
    /// (<see cref="ChinaRegions.Normalize"/>); 地址不全或无法识别 follows. Before audit, or intercepted (the caller intercepts an audited order first).
    /// </summary>
    public List<OrderLogEntry> Readdress(string? receiverName, string? receiverPhone, string? country, string? province, string? city, string? district,
        string? address, string? postalCode, DateTime now)
    {
        if (!AddressOpen)
            throw new RuleViolatedException("order.address_locked", $"Order {OrderNo} is {Status}; its address can change only before audit.", OrderNo, Status);
        var place = ChinaRegions.Normalize(country, province, city, district, address);
        (ReceiverName, ReceiverPhone, Country, Province, City, District, Address, PostalCode, UpdatedAt) =
            (receiverName, receiverPhone, country, place.Province, place.City, place.District, place.Street, postalCode, now);
        List<OrderLogEntry> entries = [new() { OrderId = Id, At = now, From = Status, To = Status, Action = "platform_address", Reason = Cut($"{Province}{City}{District}{Address}") }];
        var flag = AddressComplete ? Clear(OrderExceptions.AddressIncomplete, null, now) : Flag(OrderExceptions.AddressIncomplete, null, now);
        if (flag is not null) entries.Add(flag);
        return entries;
    }

    /// <summary>Adds exceptions; a pending order goes to 异常.</summary>
    public OrderLogEntry? Flag(OrderExceptions found, string? reason, DateTime now)
    {
        var added = found & ~Exceptions;
        if (added == OrderExceptions.None) return null;
        Exceptions |= added;
        UpdatedAt = now;
        return Status == OrderStatus.PendingAudit
            ? Move(OrderStatus.Exception, "flagged", reason ?? added.ToString(), now)
            : new OrderLogEntry { OrderId = Id, At = now, From = Status, To = Status, Action = "flagged", Reason = reason ?? added.ToString() };
    }

    /// <summary>Clears exceptions that were put right; an order left with none goes back to pending audit.</summary>
    public OrderLogEntry? Clear(OrderExceptions solved, string? reason, DateTime now)
    {
        var removed = solved & Exceptions;
        if (removed == OrderExceptions.None) return null;
        Exceptions &= ~removed;
        UpdatedAt = now;
        return Status == OrderStatus.Exception && Exceptions == OrderExceptions.None
            ? Move(OrderStatus.PendingAudit, "cleared", reason ?? removed.ToString(), now)
            : new OrderLogEntry { OrderId = Id, At = now, From = Status, To = Status, Action = "cleared", Reason = reason ?? removed.ToString() };
    }
}

/// <summary>
/// A line as the shop sold it (the original shop SKU kept) and what the catalog resolved it to: the SKU it names
/// (a combo or a plain SKU, with the listing's multiplier), or why it could not.
/// </summary>
public sealed class OrderLine
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrderId { get; set; }
    public int Position { get; set; }

    /// <summary>The platform order (原始单) and its line this came from; null for manual orders.</summary>
    public Guid? PlatformOrderId { get; set; }

    public string? PlatformLineId { get; set; }
    public string? PlatformItemId { get; set; }
    public string? PlatformSkuId { get; set; }
    public string? SellerCode { get; set; }
    public string? Title { get; set; }
    public string? Spec { get; set; }
    public int Quantity { get; set; }
    public long Price { get; set; }
    public long Paid { get; set; }

    public Guid? SkuId { get; set; }
    public string? SkuCode { get; set; }
    public int Multiplier { get; set; } = 1;

    /// <summary>Why the line resolves to nothing (unmapped, inactive_sku …), with the catalog's message; null when resolved.</summary>
    public string? ResolutionCode { get; set; }
    public string? ResolutionMessage { get; set; }
}

/// <summary>A plain SKU to reserve and pick for a line (a combo's components each one item), with its share of the line's amount.</summary>
public sealed class OrderItem
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrderId { get; set; }
    public Guid LineId { get; set; }
    public Guid SkuId { get; set; }
    public string SkuCode { get; set; } = "";
    public int Quantity { get; set; }
    public long Amount { get; set; }
    public Guid? ComboSkuId { get; set; }
    public Guid? ReplacedSkuId { get; set; }
}

/// <summary>
/// 预估: an audited order's estimated weight (grams, from the SKUs' weights), volume (mm³), the weight its service charges
/// and the estimated freight in the rate table's currency (none when no rate covers it). Written at audit, removed when
/// the order leaves 已审核 backwards (unaudit, cancel); the weighing station's actual weight replaces it later.
/// </summary>
public sealed class OrderEstimate
{
    public Guid OrderId { get; set; }
    public long WeightGrams { get; set; }
    public long VolumeMm3 { get; set; }
    public long ChargeableGrams { get; set; }
    public long? Freight { get; set; }
    public string? Currency { get; set; }
    public string? ServiceName { get; set; }

    /// <summary>Why there is no service or no freight: no_service, unknown_carrier, no_rate, too_heavy.</summary>
    public string? Problem { get; set; }

    public DateTime At { get; set; }
}

/// <summary>The platform orders a system order stands for (one, or several once merged); unique per platform order, so none is taken in twice.</summary>
public sealed class OrderSourceLink
{
    public Guid OrderId { get; set; }
    public Guid PlatformOrderId { get; set; }
    public Guid ShopId { get; set; }
    public string PlatformOrderNo { get; set; } = "";
}

/// <summary>
/// 发货记录: the parcel an order left with, as Orders keeps it (the tracking number and carrier for search and write-back;
/// Fulfillment keeps the parcel itself). One per order.
/// </summary>
public sealed class OrderShipment
{
    public Guid OrderId { get; set; }
    public string? TrackingNo { get; set; }
    public string? CarrierCode { get; set; }

    /// <summary>How it shipped: the shipping mode's name (Simple, OneClick, …).</summary>
    public string Mode { get; set; } = "";

    public DateTime ShippedAt { get; set; }
}

/// <summary>订单日志: every move of an order (who, when, from, to, why).</summary>
public sealed class OrderLogEntry
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public DateTime At { get; set; }
    public Guid? UserId { get; set; }
    public string? UserName { get; set; }
    public OrderStatus? From { get; set; }
    public OrderStatus To { get; set; }
    public string Action { get; set; } = "";
    public string? Reason { get; set; }
}

/// <summary>
/// 分配仓库 rule: orders of the listed shops (any when none) to the listed provinces (any when none) holding any of the
/// listed SKUs or a SKU of the listed categories (any goods when none) are served by the first of
/// <see cref="WarehouseIds"/> that has stock for the whole order. Rules are tried by <see cref="Priority"/>; an order no
/// rule matches tries every active warehouse by code.
/// </summary>
[Audited(AuditCategory.Order, "allocation_rule", Ignore = [nameof(UpdatedAt)])]
public sealed class AllocationRule
{
    public const int NameMax = 100;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public int Priority { get; set; }
    public string Name { get; set; } = "";
    public bool Active { get; set; } = true;
    public List<Guid> ShopIds { get; set; } = [];
    public List<string> Provinces { get; set; } = [];

    /// <summary>The order holds any of these SKUs (by code: a line's seller code, its SKU or a combo's part).</summary>
    public List<string> SkuCodes { get; set; } = [];

    /// <summary>The order holds a SKU of any of these categories (or one below them).</summary>
    public List<Guid> CategoryIds { get; set; } = [];

    /// <summary>The warehouses to try, in order.</summary>
    public List<Guid> WarehouseIds { get; set; } = [];

    public DateTime UpdatedAt { get; set; }

    /// <summary>Goods conditions are set: matching needs the order's SKU codes and categories.</summary>
    public bool LooksAtGoods => SkuCodes.Count > 0 || CategoryIds.Count > 0;

    /// <summary>
    /// Every condition set holds; <paramref name="codes"/> are the order's SKU codes and <paramref name="categories"/>
    /// its SKUs' categories, <paramref name="below"/> this rule's categories with those under them.
    /// </summary>
    public bool Matches(Guid? shopId, string? province, IReadOnlySet<string>? codes = null, IReadOnlySet<Guid>? categories = null, IReadOnlySet<Guid>? below = null) =>
        Active && (ShopIds.Count == 0 || (shopId is { } shop && ShopIds.Contains(shop)))
        && (Provinces.Count == 0 || (province is { } p && Provinces.Any(x => p.StartsWith(x, StringComparison.Ordinal))))
        && (SkuCodes.Count == 0 || (codes is not null && SkuCodes.Any(codes.Contains)))
        && (CategoryIds.Count == 0 || (categories is not null && below is not null && categories.Overlaps(below)));
}

/// <summary>The last order number given out per day (SO + yyMMdd + a serial), taken a batch at a time.</summary>
public sealed class OrderNumberCounter
{
    public string Day { get; set; } = "";
    public long LastNumber { get; set; }
}
