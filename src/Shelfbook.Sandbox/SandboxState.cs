using System.Collections.Concurrent;

namespace Shelfbook.Sandbox;

/// <summary>The sandbox's clock: real time plus whatever the control API advanced it by.</summary>
public sealed class SandboxClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

/// <summary>
/// Faults the control API switches on, per platform: each "next" counter fails that many calls, then calls pass again.
/// </summary>
public sealed class Faults
{
    private int _throttleNext;
    private int _serverErrorNext;
    private int _htmlNext;
    private int _slowAnswerNext;

    public int LatencyMs { get; set; }

    /// <summary>How far this platform's (or seller's) clock runs ahead of the sandbox clock when it checks timestamps.</summary>
    public int ClockSkewSeconds { get; set; }

    /// <summary>Each page also repeats the first record of the page after it (a platform that pages unstably).</summary>
    public bool DuplicateAcrossPages { get; set; }

    /// <summary>After serving a page, this many orders of the window are modified again (moved past the window's end).</summary>
    public int UpdateDuringPaging { get; set; }

    private readonly HashSet<string> _malformed = new(StringComparer.Ordinal);

    /// <summary>Whether this order's record comes back malformed (an amount that is not a number).</summary>
    public bool IsMalformed(string orderId)
    {
        lock (_malformed) return _malformed.Contains(orderId);
    }

    public void SetMalformed(IEnumerable<string> orderIds)
    {
        lock (_malformed)
        {
            _malformed.Clear();
            _malformed.UnionWith(orderIds);
        }
    }

    /// <summary>The next calls to fail: throttled, with a server error, with an HTML page instead of JSON.</summary>
    public void FailNext(int? throttled, int? serverErrors, int? html)
    {
        if (throttled is { } t) (ThrottleOnly, _throttleAfter, _throttleNext) = (null, 0, t);
        if (serverErrors is { } s) Volatile.Write(ref _serverErrorNext, s);
        if (html is { } h) Volatile.Write(ref _htmlNext, h);
    }

    public bool TakeThrottle() => ThrottleOnly is null && Take(ref _throttleNext);

    /// <summary>
    /// Whether this call is throttled: with <see cref="ThrottleOnly"/> set, only calls whose name contains it, and only
    /// after <see cref="ThrottleAfter"/> of them have passed.
    /// </summary>
    public bool TakeThrottle(string call)
    {
        if (ThrottleOnly is not null && !call.Contains(ThrottleOnly, StringComparison.Ordinal)) return false;
        return !Take(ref _throttleAfter) && Take(ref _throttleNext);
    }

    private int _throttleAfter;

    /// <summary>When set, the throttling counters apply only to calls whose name contains it (and gateways that do not name their calls throttle nothing).</summary>
    public string? ThrottleOnly { get; private set; }

    /// <summary>Throttles the next <paramref name="calls"/> calls named <paramref name="only"/>, after <paramref name="after"/> of them pass.</summary>
    public void ThrottleCalls(int calls, string only, int after)
    {
        (ThrottleOnly, _throttleAfter) = (only, after);
        Volatile.Write(ref _throttleNext, calls);
    }

    /// <summary>The share of calls (0–1) answered with a server error at random, on top of the counted ones: a flaky platform on its busiest day.</summary>
    public double ErrorRate { get; set; }

    public bool TakeServerError() => Take(ref _serverErrorNext) || (ErrorRate > 0 && Random.Shared.NextDouble() < ErrorRate);

    public bool TakeHtml() => Take(ref _htmlNext);

    /// <summary>The next calls are carried out but answered only after <see cref="SlowAnswerMs"/> (a caller that times out never hears they worked).</summary>
    public void AnswerSlowly(int? calls, int? milliseconds, string? only)
    {
        if (calls is { } c) Volatile.Write(ref _slowAnswerNext, c);
        if (milliseconds is { } m) SlowAnswerMs = m;
        if (calls is not null) SlowAnswerOnly = only;
    }

    /// <summary>When set, only calls whose name contains it are answered slowly (a REST write, not the reads before it).</summary>
    public string? SlowAnswerOnly { get; private set; }

    public int SlowAnswerMs { get; private set; }

    public bool TakeSlowAnswer(string call) => (SlowAnswerOnly is null || call.Contains(SlowAnswerOnly, StringComparison.Ordinal)) && Take(ref _slowAnswerNext);

    private static bool Take(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current) return true;
        }
    }
}

/// <summary>A token bucket: <see cref="Burst"/> calls at once, refilled at <see cref="Rate"/> a second (SP-API's usage plans).</summary>
public sealed class TokenBucket(double rate, double burst)
{
    public double Rate { get; } = rate;
    public double Burst { get; } = burst;
    private double _tokens = burst;
    private DateTime _at = DateTime.MinValue;

    public bool TryTake(DateTime now) => TryTake(now, out _);

    /// <summary>Takes a token, or says how long until the next one.</summary>
    public bool TryTake(DateTime now, out TimeSpan wait)
    {
        lock (this)
        {
            if (_at != DateTime.MinValue) _tokens = Math.Min(Burst, _tokens + (now - _at).TotalSeconds * Rate);
            _at = now;
            wait = _tokens < 1 ? TimeSpan.FromSeconds((1 - _tokens) / Rate) : TimeSpan.Zero;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}

/// <summary>A platform's call limit per seller: <see cref="Rate"/> calls a second, <see cref="Burst"/> at once.</summary>
public sealed record CallLimit(double Rate, double Burst);

/// <summary>A shipment confirmation as a platform received it; <see cref="Accepted"/> false when it was refused (and why).</summary>
public sealed record ReceivedConfirmation(string Platform, string Seller, string OrderId, string TrackingNo, string Carrier, bool Accepted, string? Refusal, DateTime At);

/// <summary>Everything the sandbox holds: platforms' sellers and orders, faults, call counts and what it received.</summary>
public sealed class SandboxState
{
    public SandboxClock Clock { get; } = new();

    public ConcurrentDictionary<string, Faults> Faults { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public Taobao.TopPlatform Taobao { get; } = new();

    public Pinduoduo.PddPlatform Pinduoduo { get; } = new();

    public Douyin.DouyinPlatform Douyin { get; } = new();

    public Shopify.ShopifyPlatform Shopify { get; } = new();

    public Ebay.EbayPlatform Ebay { get; } = new();

    public Amazon.AmazonPlatform Amazon { get; } = new();

    public Jd.JdPlatform Jd { get; } = new();

    /// <summary>The carriers' 电子面单 accounts and the numbers they issued.</summary>
    public Carriers.CarrierPlatform Carriers { get; } = new();

    /// <summary>Authorization codes the consent pages handed out.</summary>
    public ConsentCodes Consents { get; } = new();

    /// <summary>
    /// The call limits of the gateways that count calls per seller (Taobao, Pinduoduo, JD, Douyin, eBay) [unconfirmed:
    /// the real quotas differ per app and API], by platform or by "platform:seller" for one seller; Shopify's leaky
    /// bucket and Amazon's per-operation buckets are their own.
    /// </summary>
    public ConcurrentDictionary<string, CallLimit> Limits { get; } = new(StringComparer.Ordinal)
    {
        ["taobao"] = new(40, 80), ["pinduoduo"] = new(20, 40), ["jd"] = new(20, 40), ["douyin"] = new(20, 40), ["ebay"] = new(10, 40),
    };

    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Counts a call of <paramref name="seller"/> on <paramref name="platform"/>: false, with the wait until the next call is allowed, when over its limit.</summary>
    public bool TryCall(string platform, string seller, out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        if (!Limits.TryGetValue(platform + ":" + seller, out var limit) && !Limits.TryGetValue(platform, out limit)) return true;
        var bucket = _buckets.AddOrUpdate(platform + ":" + seller, _ => new TokenBucket(limit.Rate, limit.Burst),
            (_, held) => held.Rate == limit.Rate && held.Burst == limit.Burst ? held : new TokenBucket(limit.Rate, limit.Burst));
        return bucket.TryTake(Clock.GetUtcNow().UtcDateTime, out wait);
    }

    /// <summary>Every shipment confirmation a platform received, accepted or refused, in order.</summary>
    public ConcurrentQueue<ReceivedConfirmation> Received { get; } = new();

    /// <summary>Every stock update a platform accepted, in order.</summary>
    public ConcurrentQueue<ReceivedStockUpdate> StockUpdates { get; } = new();

    /// <summary>The faults set for <paramref name="key"/> (a platform, or "platform:seller" for one seller only).</summary>
    public Faults FaultsOf(string key) => Faults.GetOrAdd(key, _ => new Faults());

    /// <summary>The faults a call by this seller meets: the seller's own when set, else the platform's.</summary>
    public Faults FaultsFor(string platform, string? seller) =>
        seller is not null && Faults.TryGetValue(platform + ":" + seller, out var own) ? own : FaultsOf(platform);

    /// <summary>Every seller's orders on every platform, with the lock that guards them (for lifecycle changes).</summary>
    public IEnumerable<(string Platform, string Seller, object Gate, IEnumerable<Taobao.TopTrade> Orders)> AllOrders()
    {
        List<(string, string, object, IEnumerable<Taobao.TopTrade>)> all = [];
        lock (Taobao.Gate) all.AddRange(Taobao.Sellers.Values.Select(s => ("taobao", s.Session, s.Gate, (IEnumerable<Taobao.TopTrade>)s.Trades.Values)));
        lock (Pinduoduo.Gate) all.AddRange(Pinduoduo.Malls.Values.Select(m => ("pinduoduo", m.AccessToken, m.Gate, (IEnumerable<Taobao.TopTrade>)m.Orders.Values)));
        lock (Douyin.Gate) all.AddRange(Douyin.Shops.Values.Select(s => ("douyin", s.AccessToken, s.Gate, (IEnumerable<Taobao.TopTrade>)s.Orders.Values)));
        lock (Jd.Gate) all.AddRange(Jd.Vendors.Values.Select(v => ("jd", v.AccessToken, v.Gate, (IEnumerable<Taobao.TopTrade>)v.Orders.Values)));
        lock (Shopify.Gate) all.AddRange(Shopify.Stores.Values.Select(s => ("shopify", s.Name, s.Gate, (IEnumerable<Taobao.TopTrade>)s.Orders.Values)));
        lock (Ebay.Gate) all.AddRange(Ebay.Sellers.Values.Select(s => ("ebay", s.Name, s.Gate, (IEnumerable<Taobao.TopTrade>)s.Orders.Values)));
        lock (Amazon.Gate) all.AddRange(Amazon.Sellers.Values.Select(s => ("amazon", s.SellerId, s.Gate, (IEnumerable<Taobao.TopTrade>)s.Orders.Values)));
        return all;
    }

    public void Count(string key) => Calls.AddOrUpdate(key, 1, (_, n) => n + 1);
}
