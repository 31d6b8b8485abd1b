using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Addresses;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Orders.Features.ManualOrders;
using Shelfbook.Platform.Api;
using Shelfbook.Platform.Spreadsheets;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.ImportOrders;

/// <summary>The sheet layouts an order import reads: Shelfbook's own template, and the platforms' order exports.</summary>
public enum OrderSheetFormat
{
    Generic,
    Taobao,
    Pinduoduo,
    Douyin,
    Jd,
}

/// <summary>
/// 订单导入: orders from a workbook, one row per line, the rows of one order sharing its order number (the order's
/// receiver, amounts and remarks are read from its first row; an export that repeats them on every line is read
/// the same). Every row is checked first, against the file and the database — the shop, the receiver's place read
/// against the region list, each code resolved through the catalog like a manual order's line, the amounts — and
/// each problem names its row and column; then all orders (or, with <c>validOnly</c>, those without a bad row) are
/// written in one transaction. An order number already in Shelfbook for the same shop (imported before, or taken in
/// from the platform) is skipped, so the same file imported twice adds nothing the second time.
/// </summary>
public sealed class ImportOrders(TenantDbContext db, IResolveLines resolver, CurrentUser user, ProblemResponses problems)
{
    private const int Chunk = 1000;

    /// <summary>The most orders one file may hold (a day's export of a large shop fits).</summary>
    public const int MaxOrders = 50_000;

    private static readonly string[] Fields =
    [
        "orderNo", "shop", "buyer", "receiverName", "phone", "province", "city", "district", "address", "postalCode", "code", "quantity", "price",
        "lineAmount", "postage", "discount", "paid", "buyerMessage", "sellerMemo", "paidAt", "currency",
    ];

    private static readonly string[] English =
    [
        "Order no", "Shop", "Buyer", "Receiver", "Phone", "Province", "City", "District", "Address", "Postal code", "SKU code", "Quantity", "Unit price",
        "Line amount", "Postage", "Discount", "Paid", "Buyer message", "Seller memo", "Paid at", "Currency",
    ];

    /// <summary>Each format's Chinese header per field (null: the format has no such column); the required fields carry '*'.</summary>
    private static readonly Dictionary<OrderSheetFormat, string?[]> Headers = new()
    {
        [OrderSheetFormat.Generic] =
        [
            "订单号*", "店铺", "买家昵称", "收货人*", "手机", "省", "市", "区", "详细地址*", "邮编", "商家编码*", "数量*", "单价(元)",
            "商品金额(元)", "运费(元)", "优惠(元)", "实付(元)", "买家留言", "卖家备注", "付款时间", "币种",
        ],
        // 千牛 订单导出 (订单报表 with the 宝贝 columns): the address is one line.
        [OrderSheetFormat.Taobao] =
        [
            "订单编号*", "店铺名称", "买家会员名", "收货人姓名*", "联系手机", null, null, null, "收货地址*", null, "商家编码*", "购买数量*", "价格",
            null, "买家应付邮费", null, "买家实际支付金额", "买家留言", "订单备注", "订单付款时间", null,
        ],
        // 拼多多商家后台 订单导出.
        [OrderSheetFormat.Pinduoduo] =
        [
            "订单号*", "店铺名称", null, "收货人*", "手机", "省", "市", "区", "街道*", null, "商家编码-SKU维度*", "商品数量(件)*", null,
            "商品总价(元)", "邮费(元)", "店铺优惠折扣(元)", "用户实付金额(元)", "买家留言", "商家备注", "支付时间", null,
        ],
        // 抖店 订单导出: one row per 子订单 under its 主订单编号.
        [OrderSheetFormat.Douyin] =
        [
            "主订单编号*", "店铺名称", null, "收件人*", "收件人手机号", "省", "市", "区", "详细地址*", null, "商家编码*", "商品数量*", "商品单价",
            null, "运费", "优惠总金额", "订单应付金额", "买家留言", "商家备注", "支付完成时间", null,
        ],
        // 京东商家后台 订单导出: the address is one line.
        [OrderSheetFormat.Jd] =
        [
            "订单号*", "店铺名称", "下单帐号", "客户姓名*", "联系电话", null, null, null, "客户地址*", null, "商家SKU编码*", "订购数量*", "京东价",
            null, "运费金额", "优惠金额", "应付金额", "订单备注", "商家备注", "付款确认时间", null,
        ],
    };

    /// <summary>The columns of a format: the template's (or export's) Chinese header, the English one also accepted.</summary>
    public static IReadOnlyList<SheetColumn> Columns(OrderSheetFormat format)
    {
        var headers = Headers[format];
        var columns = new List<SheetColumn>();
        for (var i = 0; i < Fields.Length; i++)
            if (headers[i] is { } header)
                columns.Add(new SheetColumn(Fields[i], header.TrimEnd('*'), English[i], header.EndsWith('*')));
        return columns;
    }

    /// <summary>The format's sheet with one example order of two lines.</summary>
    public static byte[] Template(OrderSheetFormat format)
    {
        var columns = Columns(format);
        Dictionary<string, object?> Row(string code, int quantity, decimal price) => new()
        {
            ["orderNo"] = "DD20261128001", ["buyer"] = "tb_buyer01", ["receiverName"] = "张三", ["phone"] = "13812345678", ["province"] = "浙江省",
            ["city"] = "杭州市", ["district"] = "西湖区",
            ["address"] = columns.Any(c => c.Field == "province") ? "文三路 478 号" : "浙江省杭州市西湖区文三路 478 号",
            ["code"] = code, ["quantity"] = quantity, ["price"] = price, ["lineAmount"] = price * quantity, ["postage"] = 0m, ["discount"] = 0m,
            ["paid"] = 79.7m, ["paidAt"] = "2026-11-28 10:30:00", ["currency"] = "CNY",
        };
        return Workbooks.Sheet(columns, [Row("TSHIRT-RED-M", 1, 49.9m), Row("CUP-WHITE", 2, 14.9m)]);
    }

    private sealed record Line(
        SheetRow Row, string OrderNo, string? Shop, string? Buyer, string? ReceiverName, string? Phone, string? Province, string? City, string? District,
        string? Address, string? PostalCode, string Code, int Quantity, long? Price, long? LineAmount, long? Postage, long? Discount, long? Paid,
        string? BuyerMessage, string? SellerMemo, DateTime? PaidAt, string? Currency);

    public async Task<ImportResult> ImportAsync(OrderSheetFormat format, Stream xlsx, bool validOnly, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var columns = Columns(format);
        var header = columns.ToDictionary(c => c.Field, c => c.Chinese);
        var errors = new List<RowError>();
        var rows = new List<SheetRow>();
        var lines = new List<Line>();
        foreach (var row in Workbooks.Read(xlsx, columns))
        {
            rows.Add(row);
            if (Parse(row, header, errors) is { } line) lines.Add(line);
            if (rows.Count % 10_000 == 0) progress?.Report(new("read", rows.Count, 0));
        }
        if (rows.Count == 0) throw new InputRejectedException("file", "empty", "The workbook has no rows.");
        progress?.Report(new("check", 0, rows.Count));

        // Orders in the order of their first row; the first row speaks for the order.
        var orders = lines.GroupBy(l => l.OrderNo, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        if (orders.Count > MaxOrders)
            throw new InputRejectedException("file", "too_many_orders", $"The sheet has more than {MaxOrders:N0} orders; split it into smaller files.", MaxOrders);

        // Shops by code (any case) or exact name; a named shop must exist.
        var shops = await ShopQueries.Summaries(db).ToListAsync(ct);
        ShopSummary? ShopOf(string text) =>
            shops.FirstOrDefault(s => string.Equals(s.Code, text, StringComparison.OrdinalIgnoreCase)) ?? shops.FirstOrDefault(s => s.Name == text);
        var shopOf = new Dictionary<string, Guid?>(StringComparer.Ordinal);
        foreach (var order in orders)
        {
            var first = order[0];
            Guid? shopId = null;
            if (first.Shop is { } named)
            {
                if (ShopOf(named) is { } shop) shopId = shop.Id;
                else Error(errors, first.Row, header, "shop", "unknown_shop", $"No shop has the code or name '{named}'.", named);
            }
            shopOf[first.OrderNo] = shopId;
            // A later row of the order that names another receiver or shop is a row of another order, numbered wrongly.
            foreach (var later in order.Skip(1))
            {
                if (later.ReceiverName is not null && later.ReceiverName != first.ReceiverName)
                    Error(errors, later.Row, header, "receiverName", "order_rows_differ", $"Order {first.OrderNo} has the receiver {first.ReceiverName} on row {first.Row.Number}.", first.OrderNo, first.Row.Number);
                if (later.Shop is not null && later.Shop != first.Shop)
                    Error(errors, later.Row, header, "shop", "order_rows_differ", $"Order {first.OrderNo} is of the shop {first.Shop} on row {first.Row.Number}.", first.OrderNo, first.Row.Number);
            }
        }

        // The receiver's place, read against the region list; a Chinese address without a province it knows is refused.
        var placeOf = new Dictionary<string, ParsedAddress>(StringComparer.Ordinal);
        foreach (var order in orders)
        {
            var first = order[0];
            var place = ChinaRegions.Normalize("CN", first.Province, first.City, first.District, first.Address);
            placeOf[first.OrderNo] = place;
            if (first.ReceiverName is null) Error(errors, first.Row, header, "receiverName", "required", $"Order {first.OrderNo} has no receiver.");
            if (first.Province is not null && ChinaRegions.ProvinceOf(first.Province) is null)
                Error(errors, first.Row, header, "province", "unknown_province", $"{first.Province} is not a province, region or municipality of China.", first.Province);
            else if (place.Province is null)
                Error(errors, first.Row, header, "address", "unparseable_address", $"No province can be read from '{first.Address}': write the address from the province on.", first.Address ?? "");
            else if (place.City is null)
                Error(errors, first.Row, header, header.ContainsKey("city") ? "city" : "address", "required", $"No city can be read for order {first.OrderNo}.");
            if (place.Street is null && place.Province is not null)
                Error(errors, first.Row, header, "address", "required", $"The address of order {first.OrderNo} has no street.");
        }

        // Amounts: each line's goods (the discount no more than they are worth), and each line's share of what was paid
        // for goods, by value, so that the lines add up exactly.
        var amountsOf = new Dictionary<string, Amounts>(StringComparer.Ordinal);
        var shareOf = new Dictionary<Line, long>(ReferenceEqualityComparer.Instance);
        foreach (var order in orders)
        {
            var first = order[0];
            var goods = order.Select(l => l.LineAmount ?? (long)l.Quantity * (l.Price ?? 0)).ToList();
            var postage = first.Postage ?? 0;
            // The amounts must add up (goods − discount + postage = paid): an export without a discount column (Taobao's)
            // gives what the buyer did not pay as the discount.
            var discount = first.Discount ?? (first.Paid is { } given ? goods.Sum() + postage - given : 0);
            if (discount > goods.Sum()) Error(errors, first.Row, header, first.Discount is null ? "paid" : "discount", "too_large", "The discount is more than the goods are worth.");
            else if (discount < 0 || (first.Paid is { } p && goods.Sum() - discount + postage != p))
                Error(errors, first.Row, header, "paid", "amounts_disagree", $"Goods {MinorUnits.Yuan(goods.Sum())} − discount {MinorUnits.Yuan(discount)} + postage {MinorUnits.Yuan(postage)} is not the paid {MinorUnits.Yuan(first.Paid ?? 0)}.",
                    MinorUnits.Yuan(goods.Sum()), MinorUnits.Yuan(Math.Max(0, discount)), MinorUnits.Yuan(postage), MinorUnits.Yuan(first.Paid ?? 0));
            discount = Math.Max(0, discount);
            var paid = first.Paid ?? goods.Sum() - discount + postage;
            var shares = CreateManualOrder.Shares(goods, Math.Max(0, paid - postage));
            amountsOf[first.OrderNo] = new Amounts(goods.Sum(), discount, postage, paid, goods);
            for (var i = 0; i < order.Count; i++) shareOf[order[i]] = shares[i];
        }

        // Each code resolved through the catalog, as on a manual order: a code that names nothing is the row's error.
        var now = db.Time.StoredUtcNow();
        var asked = orders.SelectMany(o => o).ToList();
        var resolutions = await resolver.ResolveAsync(
            asked.Select(l => new LineToResolve(shopOf[l.OrderNo], null, null, l.Code, l.Quantity, shareOf[l], l.PaidAt ?? now)).ToList(), null, ct);
        var resolutionOf = new Dictionary<Line, Resolution>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < asked.Count; i++)
        {
            resolutionOf[asked[i]] = resolutions[i];
            if (resolutions[i].Failure is { } failure)
                Error(errors, asked[i].Row, header, "code", failure.Code == "unmapped" ? "unknown_sku" : failure.Code, failure.Message, asked[i].Code);
        }

        // Order numbers already in Shelfbook for the same shop are skipped (imported before, or taken in from the platform).
        var known = new HashSet<(Guid?, string)>();
        foreach (var chunk in orders.Select(o => o[0].OrderNo).Chunk(Chunk))
            foreach (var o in await db.Set<Order>().AsNoTracking().Where(o => o.PlatformOrderNo != null && EF.Parameter(chunk).Contains(o.PlatformOrderNo))
                         .Select(o => new { o.ShopId, o.PlatformOrderNo }).ToListAsync(ct))
                known.Add((o.ShopId, o.PlatformOrderNo!));

        var bad = errors.Select(e => e.Row).ToHashSet();
        var failedRows = rows.Count(r => bad.Contains(r.Number));
        // The orders a bad row belongs to, also a row that could not be read into a line at all.
        var badOrders = rows.Where(r => bad.Contains(r.Number)).Select(r => Text(r, "orderNo")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (errors.Count > 0 && !validOnly)
            return new ImportResult(rows.Count, 0, 0, 0, failedRows, false, errors.OrderBy(e => e.Row).ToList()) { ErrorWorkbook = Workbooks.ErrorWorkbook(columns, rows, errors) };
        // An order with a bad row is left out whole: half an order is worse than none.
        var good = orders.Where(o => !badOrders.Contains(o[0].OrderNo)).ToList();
        var fresh = good.Where(o => !known.Contains((shopOf[o[0].OrderNo], o[0].OrderNo))).ToList();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (day, serial) = fresh.Count == 0 ? ("", 0L) : await OrderNumbers.TakeAsync(db, user.TimeZone, fresh.Count, ct);
        for (var n = 0; n < fresh.Count; n++)
        {
            var no = fresh[n][0].OrderNo;
            Add(fresh[n], OrderNumbers.Format(day, serial + n), shopOf[no], placeOf[no], amountsOf[no], shareOf, resolutionOf, now);
            if ((n + 1) % Chunk == 0)
            {
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                progress?.Report(new("write", n + 1, fresh.Count));
            }
        }
        db.Add(new AuditEntry
        {
            At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order_import", EntityId = format.ToString().ToLowerInvariant(),
            Action = "import",
            Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]>
                { ["rows"] = [null, rows.Count], ["created"] = [null, fresh.Count], ["skipped"] = [null, good.Count - fresh.Count], ["failedRows"] = [null, failedRows] }),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        progress?.Report(new("done", fresh.Count, fresh.Count));
        return new ImportResult(rows.Count, fresh.Count, 0, good.Count - fresh.Count, failedRows, true, errors.OrderBy(e => e.Row).ToList())
        {
            ErrorWorkbook = errors.Count > 0 ? Workbooks.ErrorWorkbook(columns, rows, errors) : null,
        };
    }

    /// <summary>An order's amounts in minor units: goods, discount, postage, paid, and each line's goods.</summary>
    private sealed record Amounts(long Goods, long Discount, long Postage, long Paid, List<long> LineGoods);

    /// <summary>One order of the sheet, its lines and items, and its intake log entry (an order with a remark goes to 异常 as on arrival).</summary>
    private void Add(List<Line> lines, string orderNo, Guid? shopId, ParsedAddress place, Amounts amounts, Dictionary<Line, long> shareOf,
        Dictionary<Line, Resolution> resolutionOf, DateTime now)
    {
        var first = lines[0];
        var order = new Order
        {
            OrderNo = orderNo, Origin = OrderOrigin.Import, ShopId = shopId, PlatformOrderNo = first.OrderNo, BuyerNick = first.Buyer, BuyerMessage = first.BuyerMessage,
            SellerMemo = first.SellerMemo, ReceiverName = first.ReceiverName, ReceiverPhone = first.Phone, Country = "CN", Province = place.Province, City = place.City,
            District = place.District, Address = place.Street, PostalCode = first.PostalCode, Currency = "CNY", GoodsAmount = amounts.Goods, Discount = amounts.Discount,
            Postage = amounts.Postage, Paid = amounts.Paid, PlacedAt = first.PaidAt ?? now, PaidAt = first.PaidAt ?? now, LineCount = lines.Count,
            Quantity = lines.Sum(l => l.Quantity),
        };
        var log = order.TakeIn(first.BuyerMessage is null ? OrderExceptions.None : OrderExceptions.RemarkToRead, null, now);
        (log.Reason, log.UserId, log.UserName) = ("import", user.UserId, user.UserName);
        db.Add(order);
        db.Add(log);
        for (var i = 0; i < lines.Count; i++)
        {
            var r = resolutionOf[lines[i]];
            var line = new OrderLine
            {
                OrderId = order.Id, Position = i, SellerCode = lines[i].Code, Title = r.SkuCode, Quantity = lines[i].Quantity,
                Price = lines[i].Price ?? amounts.LineGoods[i] / lines[i].Quantity, Paid = shareOf[lines[i]], SkuId = r.SkuId, SkuCode = r.SkuCode,
                Multiplier = r.Multiplier,
            };
            db.Add(line);
            foreach (var part in r.Parts)
                db.Add(new OrderItem
                {
                    OrderId = order.Id, LineId = line.Id, SkuId = part.SkuId, SkuCode = part.SkuCode, Quantity = checked((int)part.Quantity), Amount = part.Amount,
                    ComboSkuId = part.ComboSkuId, ReplacedSkuId = part.ReplacedSkuId,
                });
        }
    }

    private Line? Parse(SheetRow row, Dictionary<string, string> header, List<RowError> errors)
    {
        var check = new InputCheck();
        var orderNo = check.Required("orderNo", Text(row, "orderNo"), 64);
        var code = check.Required("code", row.Text("code"), 64);
        var quantity = Workbooks.WholeNumber(row, "quantity", check, "quantity");
        if (quantity is null && row.Text("quantity") is null) check.Add("quantity", "required", "quantity is required.");
        else if (quantity is not null and not (> 0 and <= 99_999)) check.Add("quantity", "out_of_range", "The quantity must be 1–99999.", 1, 99_999);
        var price = Workbooks.Money(row, "price", check, "price");
        var lineAmount = Workbooks.Money(row, "lineAmount", check, "lineAmount");
        var postage = Workbooks.Money(row, "postage", check, "postage");
        var discount = Workbooks.Money(row, "discount", check, "discount");
        var paid = Workbooks.Money(row, "paid", check, "paid");
        foreach (var (field, value) in new[] { ("price", price), ("lineAmount", lineAmount), ("postage", postage), ("discount", discount), ("paid", paid) })
            if (value < 0) check.Add(field, "negative", $"{field} cannot be negative.");
        var receiver = check.Optional("receiverName", row.Text("receiverName"), 300);
        var address = check.Optional("address", row.Text("address"), 1000);
        var currency = row.Text("currency")?.ToUpperInvariant();
        if (currency is not null and not ("CNY" or "RMB" or "人民币"))
            check.Add("currency", "no_rate", $"There is no exchange rate for {currency}: only orders in CNY can be imported.", currency);
        var paidAt = When(row, "paidAt", check);
        var line = new Line(row, orderNo, check.Optional("shop", row.Text("shop"), 100), check.Optional("buyer", row.Text("buyer"), 100), receiver,
            check.Optional("phone", Text(row, "phone"), 300), check.Optional("province", row.Text("province"), 100), check.Optional("city", row.Text("city"), 100),
            check.Optional("district", row.Text("district"), 100), address, check.Optional("postalCode", Text(row, "postalCode"), 100), code, quantity ?? 0, price,
            lineAmount, postage, discount, paid, check.Optional("buyerMessage", row.Text("buyerMessage"), 500), check.Optional("sellerMemo", row.Text("sellerMemo"), 500),
            paidAt, currency);
        foreach (var e in check.ToErrors()) Error(errors, row, header, e.Field, e.Code, e.Message, e.Arguments);
        return check.HasErrors ? null : line;
    }

    /// <summary>A cell as text, with the apostrophe or tab platforms put before long numbers (so Excel keeps their digits) taken off.</summary>
    private static string? Text(SheetRow row, string field) => row.Text(field)?.TrimStart('\'', '\t').Trim() is { Length: > 0 } t ? t : null;

    /// <summary>A time as the sheet gives it (a date cell, or text such as 2026-11-28 10:30:00) on the tenant's clock, in UTC.</summary>
    private DateTime? When(SheetRow row, string field, InputCheck check)
    {
        var cell = row.Cells.GetValueOrDefault(field);
        // A date cell or text without an offset is on the tenant's clock; text with an offset or Z is exact.
        DateTime? when = cell switch
        {
            DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Unspecified),
            double serial when serial is > 0 and < 2_958_466 => DateTime.FromOADate(serial),
            _ => row.Text(field) is { } text
                 && DateTime.TryParse(text.Replace('/', '-'), CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.RoundtripKind, out var parsed)
                ? parsed : null,
        };
        if (when is null && row.Text(field) is { } bad) check.Add(field, "not_a_date", $"'{bad}' is not a date and time (2026-11-28 10:30:00).", bad);
        return when is { } w ? TenantTime.ToUtc(w, user.TimeZone) : null;
    }

    /// <summary>A row's problem under its column's header, in the user's language.</summary>
    private void Error(List<RowError> errors, SheetRow row, Dictionary<string, string> header, string field, string code, string message, params object[] arguments) =>
        errors.Add(new RowError(row.Number, header.GetValueOrDefault(field, field), code,
            problems.Messages([new FieldError(field, code, message, arguments)]).Single().Value.Single()));
}
