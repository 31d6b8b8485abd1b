using System.Globalization;
using System.Text.Json.Nodes;

namespace Shelfbook.Sandbox.Taobao;

/// <summary>A TOP app: its key, its secret and the sellers who authorized it (by session key).</summary>
public sealed class TopApp(string appKey, string secret)
{
    public string AppKey { get; } = appKey;
    public string Secret { get; } = secret;
}

public sealed class TopLine
{
    public long Oid { get; set; }
    public long NumIid { get; set; }
    public long SkuId { get; set; }
    public string? OuterSkuId { get; set; }
    public string Title { get; set; } = "";
    public string? SkuProperties { get; set; }
    public int Num { get; set; }

    /// <summary>Unit price and the line's paid amount after apportioned discount, in fen.</summary>
    public long Price { get; set; }

    public long Paid { get; set; }
    public string RefundStatus { get; set; } = "NO_REFUND";

    /// <summary>The tracking number and carrier the line shipped with.</summary>
    public string? InvoiceNo { get; set; }

    public string? LogisticsCompany { get; set; }
}

/// <summary>A trade as TOP describes it; money is kept in fen and written as yuan strings, times as Beijing time.</summary>
public sealed class TopTrade
{
    public long Tid { get; set; }
    public string Status { get; set; } = "WAIT_SELLER_SEND_GOODS";
    public DateTime Created { get; set; }
    public DateTime? PayTime { get; set; }
    public DateTime Modified { get; set; }
    public string BuyerNick { get; set; } = "";
    public string? BuyerMessage { get; set; }
    public string? SellerMemo { get; set; }
    public string ReceiverName { get; set; } = "";
    public string ReceiverMobile { get; set; } = "";
    public string ReceiverState { get; set; } = "";
    public string ReceiverCity { get; set; } = "";
    public string ReceiverDistrict { get; set; } = "";
    public string ReceiverAddress { get; set; } = "";
    public string ReceiverZip { get; set; } = "";

    /// <summary>ISO country code of the receiver: CN for the Chinese platforms, abroad for cross-border orders.</summary>
    public string Country { get; set; } = "CN";
    public long PostFee { get; set; }

    /// <summary>A presale order (预售): the seller ships it from <see cref="ShipBy"/>'s day, not at once.</summary>
    public bool Presale { get; set; }

    /// <summary>The latest ship time promised to the buyer: a presale's ship date, else 48 hours after payment.</summary>
    public DateTime? ShipBy { get; set; }
    public long DiscountFee { get; set; }
    public List<TopLine> Lines { get; } = [];

    public long TotalFee => Lines.Sum(l => l.Price * l.Num);

    public long Payment => TotalFee - DiscountFee + PostFee;

    internal static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static string Local(DateTime utc) => (utc + Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The trade in TOP's non-simplified JSON; <paramref name="malformed"/> spoils it the way a broken record would be.</summary>
    public JsonObject ToJson(bool onlyTid, bool malformed)
    {
        var trade = new JsonObject { ["tid"] = Tid, ["tid_str"] = Tid.ToString(CultureInfo.InvariantCulture) };
        if (onlyTid) return trade;
        trade["status"] = Status;
        trade["created"] = Local(Created);
        trade["modified"] = Local(Modified);
        if (PayTime is { } paid) trade["pay_time"] = Local(paid);
        // [unconfirmed] A presale trade's promised ship time as TopRules reads it.
        if (Presale && ShipBy is { } shipBy) trade["est_con_time"] = Local(shipBy);
        trade["buyer_nick"] = BuyerNick;
        if (BuyerMessage is not null) trade["buyer_message"] = BuyerMessage;
        if (SellerMemo is not null) trade["seller_memo"] = SellerMemo;
        trade["payment"] = malformed ? "十二元" : Yuan(Payment);
        trade["total_fee"] = Yuan(TotalFee);
        trade["post_fee"] = Yuan(PostFee);
        trade["discount_fee"] = Yuan(DiscountFee);
        trade["receiver_name"] = ReceiverName;
        trade["receiver_mobile"] = ReceiverMobile;
        trade["receiver_state"] = ReceiverState;
        trade["receiver_city"] = ReceiverCity;
        trade["receiver_district"] = ReceiverDistrict;
        trade["receiver_address"] = ReceiverAddress;
        trade["receiver_zip"] = ReceiverZip;
        var lines = new JsonArray();
        foreach (var l in Lines)
        {
            var line = new JsonObject
            {
                ["oid"] = l.Oid, ["num_iid"] = l.NumIid, ["sku_id"] = l.SkuId.ToString(CultureInfo.InvariantCulture), ["title"] = l.Title,
                ["num"] = l.Num, ["price"] = Yuan(l.Price), ["payment"] = Yuan(l.Paid), ["divide_order_fee"] = Yuan(l.Paid),
                ["refund_status"] = l.RefundStatus, ["status"] = Status,
            };
            if (l.OuterSkuId is not null) line["outer_sku_id"] = l.OuterSkuId;
            if (l.SkuProperties is not null) line["sku_properties_name"] = l.SkuProperties;
            if (l.InvoiceNo is not null) (line["invoice_no"], line["logistics_company"]) = (l.InvoiceNo, l.LogisticsCompany);
            lines.Add(line);
        }
        trade["orders"] = new JsonObject { ["order"] = lines };
        return trade;
    }
}

/// <summary>Carrier codes the sandbox's platforms accept (TOP's company codes, Pinduoduo's logistics ids).</summary>
public static class SandboxCarriers
{
    public static readonly HashSet<string> Top = new(StringComparer.Ordinal) { "SF", "ZTO", "YTO", "STO", "YUNDA", "EMS", "POSTB", "JD", "HTKY" };
    public static readonly HashSet<string> Pdd = new(StringComparer.Ordinal) { "44", "115", "85", "1", "121", "118", "132", "120", "384" };
    public static readonly HashSet<string> Douyin = new(StringComparer.Ordinal) { "shunfeng", "zhongtong", "yuantong", "shentong", "yunda", "ems", "youzhengguonei", "jd", "jtexpress" };
}

/// <summary>A seller (shop) who authorized an app: its session key and its trades.</summary>
public sealed class TopSeller(string nick, string appKey, string session)
{
    public string Nick { get; } = nick;
    public string AppKey { get; } = appKey;
    public string Session { get; } = session;
    public bool Revoked { get; set; }

    /// <summary>The refresh token that renews the seller's session key (rotated on every refresh); null before consent.</summary>
    public string? RefreshToken { get; set; }
    public object Gate { get; } = new();
    public Dictionary<long, TopTrade> Trades { get; } = [];
    public SellerListings Listings { get; } = new();
}

/// <summary>Taobao/Tmall as the sandbox holds it.</summary>
public sealed class TopPlatform
{
    // Started from the clock, so a sandbox restarted beside a Shelfbook that stored its earlier orders does not reuse their ids.
    private long _nextTid = 3_900_000_000_000_000 + DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000_000 * 1_000_000;

    public Dictionary<string, TopApp> Apps { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TopSeller> Sellers { get; } = new(StringComparer.Ordinal);

    /// <summary>Session keys that have expired (or were replaced by a refresh): answered 27 session-expired.</summary>
    public HashSet<string> Expired { get; } = new(StringComparer.Ordinal);

    public object Gate { get; } = new();

    public long NextTid() => Interlocked.Add(ref _nextTid, 1 + Random.Shared.Next(1, 997));
}
