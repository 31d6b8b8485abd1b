namespace Shelfbook.Sandbox.Taobao;

/// <summary>What the control API asks the generator for.</summary>
public sealed record GenerateOrders(int Count, DateTime? From = null, DateTime? To = null, string[]? SellerCodes = null, int? Seed = null,
    double UnpaidShare = 0.05, double ClosedShare = 0.03, double RefundShare = 0.02, double RemarkShare = 0.15, bool? Abroad = null,
    double PresaleShare = 0.03);

/// <summary>Generates realistic trades: one to three lines, seller codes from the given list (plus a few the shop never mapped), discounts and postage.</summary>
public static class TopGenerator
{
    private static readonly string[] Titles = ["纯棉短袖T恤", "加厚保温杯 500ml", "无线蓝牙耳机", "儿童防晒帽", "真丝睡衣套装", "不锈钢炒锅 32cm", "手工香皂礼盒", "运动速干袜 5 双装"];
    private static readonly string[] Specs = ["颜色分类:白色;尺码:M", "颜色分类:黑色;尺码:L", "容量:500ml;颜色:蓝", "规格:标准版", "颜色分类:粉色;尺码:S"];

    /// <summary>Generates the orders and gives them to the seller.</summary>
    public static List<TopTrade> Generate(TopPlatform platform, TopSeller seller, GenerateOrders request, DateTime now)
    {
        var trades = Generate(platform.NextTid, request, now);
        seller.Listings.Dress(trades);
        lock (seller.Gate)
            foreach (var t in trades) seller.Trades[t.Tid] = t;
        return trades;
    }

    /// <summary>Generates orders in TOP's shape (the sandbox's common order model; other platforms write them in their own).</summary>
    public static List<TopTrade> Generate(Func<long> nextId, GenerateOrders request, DateTime now)
    {
        var random = request.Seed is { } seed ? new Random(seed) : new Random();
        var to = request.To ?? now;
        var from = request.From ?? to.AddHours(-1);
        var codes = request.SellerCodes is { Length: > 0 } c ? c : ["SB-TEE-WHITE-M", "SB-CUP-500", "SB-EAR-BT"];
        var span = Math.Max(1, (to - from).Ticks);
        var trades = new List<TopTrade>(request.Count);
        for (var i = 0; i < request.Count; i++)
        {
            var modified = new DateTime(from.Ticks + (long)(random.NextDouble() * span), DateTimeKind.Utc);
            modified = modified.AddTicks(-(modified.Ticks % TimeSpan.TicksPerSecond));
            var created = modified.AddMinutes(-random.Next(0, 120));
            var (country, place) = request.Abroad is true ? Addresses.Abroad[random.Next(Addresses.Abroad.Length)] : ("CN", Addresses.China[random.Next(Addresses.China.Length)]);
            var roll = random.NextDouble();
            var trade = new TopTrade
            {
                Tid = nextId(), Created = created, Modified = modified, BuyerNick = "tb" + random.Next(10_000_000, 99_999_999),
                Status = roll < request.UnpaidShare ? "WAIT_BUYER_PAY" : roll < request.UnpaidShare + request.ClosedShare ? "TRADE_CLOSED_BY_TAOBAO" : "WAIT_SELLER_SEND_GOODS",
                BuyerMessage = Addresses.Remark(random, request.RemarkShare), Country = country,
                ReceiverName = country == "CN" ? Addresses.Name(random) : Addresses.AbroadName(random),
                ReceiverMobile = country == "CN" ? Addresses.Mobile(random) : Addresses.AbroadPhone(random),
                ReceiverState = place.Province, ReceiverCity = place.City, ReceiverDistrict = place.District, ReceiverAddress = place.Street, ReceiverZip = place.Zip,
                PostFee = random.NextDouble() < 0.7 ? 0 : 600 + 400 * random.Next(2),
            };
            if (trade.Status != "WAIT_BUYER_PAY" && trade.Status != "TRADE_CLOSED_BY_TAOBAO") trade.PayTime = created.AddMinutes(random.Next(0, 10));
            // Presale (预售) from the id, so that seeded runs draw the same numbers as before: ships 7–15 days after the
            // order; any other paid order within 48 hours of payment.
            trade.Presale = trade.Tid % 997 < request.PresaleShare * 997;
            if (trade.Presale) trade.ShipBy = created.Date.AddDays(7 + trade.Tid % 9).AddHours(15);
            else if (trade.PayTime is { } paid) trade.ShipBy = paid.AddHours(48);
            var lines = 1 + (random.NextDouble() < 0.25 ? random.Next(1, 3) : 0);
            for (var l = 0; l < lines; l++)
            {
                var code = random.NextDouble() < 0.02 ? $"UNMAPPED-{random.Next(100, 999)}" : codes[random.Next(codes.Length)];
                var price = 100L * random.Next(9, 300) + 90;
                var num = random.NextDouble() < 0.8 ? 1 : random.Next(2, 5);
                trade.Lines.Add(new TopLine
                {
                    Oid = trade.Tid * 10 + l + 1, NumIid = 600_000_000_000 + random.Next(1, 9999), SkuId = 4_000_000_000_000 + random.Next(1, 99999),
                    OuterSkuId = code, Title = Titles[random.Next(Titles.Length)], SkuProperties = Specs[random.Next(Specs.Length)], Num = num, Price = price,
                });
            }
            trade.DiscountFee = random.NextDouble() < 0.4 ? Math.Min(trade.TotalFee / 10, 100L * random.Next(1, 30)) : 0;
            // The discount is apportioned over the lines by value; the last line takes the rounding.
            var left = trade.DiscountFee;
            for (var l = 0; l < trade.Lines.Count; l++)
            {
                var line = trade.Lines[l];
                var share = l == trade.Lines.Count - 1 ? left : trade.DiscountFee * line.Price * line.Num / Math.Max(1, trade.TotalFee);
                line.Paid = line.Price * line.Num - share;
                left -= share;
            }
            if (trade.PayTime is not null && random.NextDouble() < request.RefundShare) trade.Lines[0].RefundStatus = "WAIT_SELLER_AGREE";
            trades.Add(trade);
        }
        return trades;
    }
}
