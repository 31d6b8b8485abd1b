using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ManageShops;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Cli.Bench;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Inventory.Features.ManageWarehouses;
using Shelfbook.Logistics.Domain;
using Shelfbook.Logistics.Features.Waybills;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditRules;
using Shelfbook.Sandbox;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Cli.Crash;

/// <summary>
/// How a crash run goes: kills in all, orders per batch, kills per batch, the window a kill falls in, the command that
/// restarts PostgreSQL. <see cref="BeforeChecks"/> lets a test damage a finished batch (the tenant, the sandbox, the
/// batch's seller session) to prove the checks see it.
/// </summary>
public sealed record CrashOptions(int Cycles = 10, int Orders = 20_000, int KillsPerBatch = 5, double KillWithinSeconds = 20, string? PostgresRestart = null, int Seed = 1)
{
    public Func<BenchHost, SandboxState, string, Task>? BeforeChecks { get; init; }
}

/// <summary>A broken promise found after a batch: which check, and what it found.</summary>
public sealed record CrashViolation(int Batch, string Check, string Detail);

/// <summary>What a crash run did and found.</summary>
public sealed record CrashResult(
    string Database, int Batches, int Kills, int PostgresRestarts, long Orders, TimeSpan Took, IReadOnlyList<string> KillPoints, IReadOnlyDictionary<string, int> KillStages,
    IReadOnlyList<CrashViolation> Violations);

/// <summary>
/// Crash consistency (issue 8): Shelfbook runs as a separate process (the web host, as an operator starts it) on a fresh
/// tenant, syncing a sandbox shop's orders over HTTP, taking them in, auditing them by rule (auto-audit, with carrier),
/// reserving stock; this driver fetches their waybills and ships them in resumable ship jobs through the API, and the
/// host writes the tracking numbers back to the sandbox. Meanwhile the host is killed with SIGKILL at random moments
/// (and, on PostgreSQL, the database restarted in some cycles), started again, and left to finish. After each batch the
/// ledger is verified and every promise checked: each platform order stored once and made into one order, no order
/// audited or shipped twice, no tracking number on two parcels, outbound movements for every shipped unit, no
/// reservation left behind, and the sandbox given exactly one accepted confirmation per platform order.
/// The sandbox (which must outlive the kills) and the driver run in this process; leases are shortened in the host so
/// a killed node's work is taken over in seconds rather than minutes.
/// </summary>
public sealed class CrashHarness : IAsyncDisposable
{
    private const string AppKey = "crash-app";
    private const string AppSecret = "crash-secret";
    private const string WaybillKey = "crash-ZTO";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly BenchHost _host;
    private readonly WebApplication _sandbox;
    private readonly SandboxState _state;
    private readonly Uri _sandboxUrl;
    private readonly CrashOptions _options;
    private readonly TextWriter _out;
    private readonly Random _random;
    private readonly HttpClient _api;
    private readonly int _port;
    private readonly List<string> _codes = [];
    private readonly List<string> _killPoints = [];
    private readonly Dictionary<string, int> _killStages = new(StringComparer.Ordinal);
    private Process? _node;
    /// <summary>The running node's output (warnings and errors), its last part kept.</summary>
    private readonly System.Text.StringBuilder _nodeLog = new();
    private Guid _warehouseId;
    private int _kills;
    private int _postgresRestarts;

    private CrashHarness(BenchHost host, WebApplication sandbox, CrashOptions options, TextWriter output)
    {
        (_host, _sandbox, _options, _out) = (host, sandbox, options, output);
        _state = sandbox.Services.GetRequiredService<SandboxState>();
        _sandboxUrl = new Uri(sandbox.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _random = new Random(options.Seed);
        _port = FreePort();
        _api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromMinutes(2) };
        _api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", host.Token);
    }

    public static async Task<CrashResult> RunAsync(string? provider, string? connection, CrashOptions options, TextWriter output, CancellationToken ct)
    {
        var host = await BenchHost.StartAsync(provider, connection, ct);
        WebApplication sandbox;
        try
        {
            sandbox = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
            await sandbox.StartAsync(ct);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        await using var harness = new CrashHarness(host, sandbox, options, output);
        return await harness.RunAsync(ct);
    }

    private async Task<CrashResult> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await PrepareAsync(ct);
        _out.WriteLine($"crash: database {_host.Database}, tenant {_host.Tenant.Value}, {_options.Cycles} kills, {_options.Orders} orders a batch, "
                       + $"{_options.KillsPerBatch} kills a batch within {_options.KillWithinSeconds:0.#} s of each start");
        await StartNodeAsync(ct);
        var violations = new List<CrashViolation>();
        var (batch, orders) = (0, 0L);
        try
        {
            while (_kills < _options.Cycles)
            {
                batch++;
                var shop = await NewShopAsync(batch, ct);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var killer = KillAsync(shop, Math.Min(_options.KillsPerBatch, _options.Cycles - _kills), done.Token);
                string? stuck = null;
                try
                {
                    await DriveAsync(shop, killer, ct);
                }
                catch (TimeoutException e)
                {
                    // A batch that stops moving (an order or a write-back left behind) is a violation: checked, reported, and the run ends.
                    stuck = e.Message;
                }
                finally
                {
                    await done.CancelAsync();
                    await killer;
                }
                // The next batch needs a node (the checks read the databases themselves).
                if (_node is null || _node.HasExited) await StartNodeAsync(ct);
                if (_options.BeforeChecks is { } damage) await damage(_host, _state, Session(batch));
                var found = await CheckAsync(batch, shop, ct);
                if (stuck is not null) found.Insert(0, new CrashViolation(batch, "the batch finishes", stuck));
                violations.AddRange(found);
                orders += _options.Orders;
                _out.WriteLine($"batch {batch}: {_options.Orders} orders {(stuck is null ? "shipped and confirmed" : "NOT finished")}, {_kills} kills so far, {(found.Count == 0 ? "all checks clean" : found.Count + " violation(s)")} ({clock.Elapsed.TotalSeconds:0} s)");
                foreach (var v in found) _out.WriteLine($"  VIOLATION {v.Check}: {v.Detail}");
                if (stuck is not null) break;
            }
        }
        finally
        {
            await StopNodeAsync();
        }
        var result = new CrashResult(_host.Database, batch, _kills, _postgresRestarts, orders, clock.Elapsed, _killPoints, _killStages, violations);
        _out.WriteLine($"crash: {result.Kills} kills ({result.PostgresRestarts} with PostgreSQL restarted) over {result.Batches} batches of {_options.Orders} orders, "
                       + $"{result.Violations.Count} violations, {clock.Elapsed.TotalSeconds:0} s");
        return result;
    }

    // ---- the world ----------------------------------------------------------------------------------------------------

    /// <summary>
    /// A warehouse with ample stock of 200 SKUs (and of the codes the sandbox draws as "never mapped", so that every order
    /// ships), the carrier ZTO with its 电子面单 account in the sandbox and a sender, and one audit rule: every order gets
    /// ZTO and is audited on arrival.
    /// </summary>
    private async Task PrepareAsync(CancellationToken ct)
    {
        _codes.AddRange(Enumerable.Range(0, 200).Select(i => $"CR{i:D4}"));
        var unmapped = Enumerable.Range(100, 899).Select(i => $"UNMAPPED-{i}").ToList();
        await OrdersBench.ImportAsync(_host, _codes.Concat(unmapped).Select((c, i) => new Dictionary<string, object?>
        {
            ["商家编码"] = c, ["货品名称"] = $"崩溃测试货品{i:D4}", ["成本价(元)"] = 10 + i % 50, ["重量(克)"] = 100 + i % 400,
        }), null, ct);
        await using (var scope = _host.Scope())
            _warehouseId = (await scope.ServiceProvider.GetRequiredService<ManageWarehouses>().CreateAsync(new WarehouseInput("CRASH", "崩溃测试仓", "Own"), ct)).Id;
        await using (var db = _host.OpenTenant())
        {
            var skus = await Shelfbook.Catalog.Contracts.SkuQueries.Summaries(db).Select(s => s.Id).ToListAsync(ct);
            await using var scope = _host.Scope();
            await scope.ServiceProvider.GetRequiredService<StockPosting>().PostAsync(skus.Select((sku, i) =>
                new MovementDraft(_warehouseId, sku, StockCondition.Sellable, 10_000_000, MovementType.OpeningBalance, $"crash:open:{i}", $"lines[{i}]")).ToList(), ct);
        }
        Guid carrierId;
        await using (var db = _host.OpenTenant())
        {
            var now = DateTime.UtcNow;
            var zto = new Carrier { Code = "ZTO", NormalizedCode = "ZTO", Name = "中通", UpdatedAt = now };
            db.AddRange(zto, new CarrierService { CarrierId = zto.Id, Code = "STD", Name = "中通快递", UpdatedAt = now });
            await db.SaveChangesAsync(ct);
            carrierId = zto.Id;
        }
        lock (_state.Carriers.Gate)
            _state.Carriers.Accounts[WaybillKey] = new Sandbox.Carriers.CarrierAccount("ZTO", WaybillKey, "crash-waybill-secret", "CRASH-ZTO", 1_000_000_000);
        lock (_state.Taobao.Gate) _state.Taobao.Apps[AppKey] = new TopApp(AppKey, AppSecret);
        await using (var scope = _host.Scope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<ManageWaybillAccounts>();
            await accounts.CreateAsync(new WaybillAccountInput(carrierId, new Uri(_sandboxUrl, "/carriers/ZTO/api").ToString(), WaybillKey, "crash-waybill-secret", "CRASH-ZTO", true), ct);
            await accounts.SetSenderAsync(_warehouseId, new SenderInput("山海电商仓", "021-5555-0101", "上海市", "上海市", "青浦区", "华新镇华腾路 1288 号"), ct);
            await scope.ServiceProvider.GetRequiredService<ManageAuditRules>().CreateAsync(new AuditRuleInput("全部自动审核", 1, true, CarrierCode: "ZTO", AutoAudit: true), ct);
        }
    }

    /// <summary>A batch's shop: a new Taobao seller in the sandbox with the batch's paid orders, linked to a new shop.</summary>
    private async Task<Guid> NewShopAsync(int batch, CancellationToken ct)
    {
        var session = Session(batch);
        var seller = new TopSeller($"崩溃测试店{batch}", AppKey, session);
        lock (_state.Taobao.Gate) _state.Taobao.Sellers[session] = seller;
        // A big seller's call quota (the sandbox's default, 40 calls a second, would make a 20,000-order batch wait
        // eight minutes for its write-backs; throttling has tests of its own).
        _state.Limits["taobao:" + session] = new CallLimit(1_000, 2_000);
        var now = _state.Clock.GetUtcNow().UtcDateTime;
        TopGenerator.Generate(_state.Taobao, seller, new GenerateOrders(_options.Orders, now.AddMinutes(-170), now.AddMinutes(-5), [.. _codes], _options.Seed * 1000 + batch,
            UnpaidShare: 0, ClosedShare: 0, RefundShare: 0, RemarkShare: 0, Abroad: false, PresaleShare: 0), now);
        await using var scope = _host.Scope();
        var shop = await scope.ServiceProvider.GetRequiredService<ManageShops>().CreateAsync(new ShopInput("Taobao", $"CRASH-{batch}", $"崩溃测试店{batch}"), ct);
        var links = scope.ServiceProvider.GetRequiredService<ManageConnections>();
        await links.ConfigureAsync(shop.Id, new ConnectionSettings(null, 300, now.AddHours(-3), new Uri(_sandboxUrl, "/taobao/router/rest").ToString()), ct);
        await links.SetCredentialsAsync(shop.Id, new CredentialsInput(new() { ["app_key"] = AppKey, ["app_secret"] = AppSecret, ["session"] = session }), ct);
        await links.ConfigureAsync(shop.Id, new ConnectionSettings(true, null, null, null), ct);
        return shop.Id;
    }

    // ---- the node -----------------------------------------------------------------------------------------------------

    /// <summary>Starts Shelfbook's web host as its own process on the harness's port, its workers quick and its leases short, and waits until it answers.</summary>
    private async Task StartNodeAsync(CancellationToken ct)
    {
        var web = typeof(Shelfbook.Web.WebSetup).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [web])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Path.GetDirectoryName(web)!,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Urls"] = $"http://127.0.0.1:{_port}", ["Logging__LogLevel__Default"] = "Warning",
                ["Database__Provider"] = _host.Database, ["Demo__Enabled"] = "false", ["Sandbox__Enabled"] = "false",
                ["Channels__Sync__PollSeconds"] = "1", ["Orders__Intake__IntervalSeconds"] = "1", ["Orders__Jobs__PollSeconds"] = "1", ["Fulfillment__Jobs__PollSeconds"] = "1",
                ["Fulfillment__Jobs__ChunkSize"] = "500",
                ["Channels__Sync__LeaseSeconds"] = "5", ["Channels__WriteBack__LeaseSeconds"] = "5", ["Orders__Jobs__LeaseSeconds"] = "5", ["Fulfillment__Jobs__LeaseSeconds"] = "5",
            },
        };
        if (_host.DataPath is { } path) start.Environment["Database__DataPath"] = path;
        if (_host.Connection is { } connection) start.Environment["Database__ConnectionString"] = connection;
        var node = Process.Start(start) ?? throw new InvalidOperationException("The Shelfbook process did not start.");
        _node = node;
        lock (_nodeLog) _nodeLog.Clear();
        void Keep(string? line)
        {
            if (line is null) return;
            lock (_nodeLog)
            {
                if (_nodeLog.Length > 200_000) _nodeLog.Remove(0, 100_000);
                _nodeLog.AppendLine(line);
            }
        }
        node.OutputDataReceived += (_, e) => Keep(e.Data);
        node.ErrorDataReceived += (_, e) => Keep(e.Data);
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (node.HasExited)
            {
                throw new InvalidOperationException($"Shelfbook exited with {node.ExitCode} as it started:\n{NodeOutput()}");
            }
            try
            {
                using var health = await _api.GetAsync(new Uri("/health", UriKind.Relative), ct);
                if (health.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200, ct);
        }
        throw new TimeoutException("Shelfbook did not answer /health within 2 minutes.");
    }

    private async Task StopNodeAsync()
    {
        if (_node is null) return;
        if (!_node.HasExited) _node.Kill(entireProcessTree: true);
        await _node.WaitForExitAsync();
        _node.Dispose();
        _node = null;
    }

    /// <summary>Kills the node with SIGKILL at random moments while the batch runs (sometimes restarting PostgreSQL too), and starts it again each time.</summary>
    private async Task KillAsync(Guid shop, int kills, CancellationToken done)
    {
        for (var k = 0; k < kills; k++)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(0.2 + _random.NextDouble() * _options.KillWithinSeconds), done);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var (stage, name) = await StageAsync(shop, CancellationToken.None);
            _killStages[name] = _killStages.GetValueOrDefault(name) + 1;
            _node!.Kill();
            await _node.WaitForExitAsync(CancellationToken.None);
            _node.Dispose();
            _node = null;
            _kills++;
            var restarted = false;
            if (_options.PostgresRestart is { } command && _host.Database == "Postgres" && _random.NextDouble() < 0.3)
            {
                using var restart = Process.Start(new ProcessStartInfo("sh", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                await restart.WaitForExitAsync(CancellationToken.None);
                if (restart.ExitCode != 0) throw new InvalidOperationException($"'{command}' failed: {await restart.StandardError.ReadToEndAsync(CancellationToken.None)}");
                Npgsql.NpgsqlConnection.ClearAllPools();
                _postgresRestarts++;
                restarted = true;
            }
            var point = $"kill {_kills}{(restarted ? " (+ PostgreSQL restart)" : "")}: {stage}";
            _killPoints.Add(point);
            _out.WriteLine("  " + point);
            await StartNodeAsync(CancellationToken.None);
        }
    }

    // ---- the driver ---------------------------------------------------------------------------------------------------

    private sealed record Progress(int Stored, int Orders, int Waiting, int Audited, int Other, int Shipped, int Confirmed, int OpenJobs)
    {
        public override string ToString() =>
            $"{Stored} stored, {Orders} taken in, {Audited} audited, {Shipped} shipped, {Confirmed} confirmed{(Waiting + Other > 0 ? $", {Waiting} pending, {Other} elsewhere" : "")}{(OpenJobs > 0 ? $", {OpenJobs} ship job(s) open" : "")}";
    }

    /// <summary>Where the batch stands (its counts), and the stage a kill now falls in.</summary>
    private async Task<(string Counts, string Stage)> StageAsync(Guid shop, CancellationToken ct)
    {
        try
        {
            var p = await ProgressAsync(shop, ct);
            var stage = p.Stored < _options.Orders ? "sync" : p.Orders < _options.Orders || p.Waiting > 0 ? "intake and audit"
                : p.Shipped < _options.Orders ? "waybills and shipping" : "write-back";
            return (p.ToString(), stage);
        }
        catch (Exception e) when (IsDatabaseDown(e))
        {
            return ("(progress unreadable: " + e.Message + ")", "unknown");
        }
    }

    private async Task<Progress> ProgressAsync(Guid shop, CancellationToken ct)
    {
        await using var db = _host.OpenTenant();
        var stored = await db.Set<PlatformOrder>().CountAsync(o => o.ShopId == shop, ct);
        var statuses = await db.Set<Order>().Where(o => o.ShopId == shop).GroupBy(o => o.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int Of(params OrderStatus[] s) => statuses.Where(x => s.Contains(x.Key)).Sum(x => x.Count);
        var confirmed = await db.Set<ShipmentConfirmation>().CountAsync(c => c.ShopId == shop && c.State == ConfirmationState.Accepted, ct);
        var open = await db.Set<ShipJob>().CountAsync(j => j.State == ShipJobState.Queued || j.State == ShipJobState.Running, ct);
        return new Progress(stored, statuses.Sum(s => s.Count), Of(OrderStatus.PendingAudit), Of(OrderStatus.Audited, OrderStatus.InFulfillment),
            Of(OrderStatus.Held, OrderStatus.Exception, OrderStatus.Cancelled, OrderStatus.Intercepted, OrderStatus.Merged), Of(OrderStatus.Shipped, OrderStatus.Completed), confirmed, open);
    }

    /// <summary>
    /// Pushes the batch through as a client would, whatever the node is doing: asks for a sync until every platform order
    /// is stored (the node takes them in and audits them by itself), fetches numbers for audited orders and ships them in
    /// ship jobs (one at a time; a job whose answer was lost to a kill is found in the database), and waits for every
    /// write-back. A call that fails because the node is down is simply made again later.
    /// </summary>
    private async Task DriveAsync(Guid shop, Task killer, CancellationToken ct)
    {
        var stalled = Stopwatch.StartNew();
        Progress? last = null;
        while (true)
        {
            Progress now;
            try
            {
                now = await ProgressAsync(shop, ct);
            }
            catch (Exception e) when (IsDatabaseDown(e))
            {
                // PostgreSQL restarting under a kill: read again in a moment.
                await Task.Delay(500, ct);
                continue;
            }
            if (now.Confirmed >= _options.Orders && now.Shipped >= _options.Orders) return;
            // The killer failing (a node that would not start again) ends the batch with its reason.
            if (killer.IsFaulted) await killer;
            if (now != last) (last, stalled) = (now, Stopwatch.StartNew());
            else if (stalled.Elapsed > TimeSpan.FromMinutes(3))
                throw new TimeoutException($"The batch made no progress for 3 minutes: {now}.\n{await UnconfirmedAsync(shop, ct)}\nThe node's last output:\n{NodeOutput()}");
            if (now.Stored < _options.Orders)
                await CallAsync(c => c.PostAsync(new Uri($"/api/v1/channels/shops/{shop}/sync", UriKind.Relative), null, ct));
            else if (now.Audited > 0 && now.OpenJobs == 0)
                try
                {
                    await ShipAuditedAsync(shop, ct);
                }
                catch (Exception e) when (IsDatabaseDown(e))
                {
                }
            await Task.Delay(300, ct);
        }
    }

    /// <summary>Numbers (电子面单) for up to 5,000 audited orders of the shop, then a 简易发货 job with them.</summary>
    private async Task ShipAuditedAsync(Guid shop, CancellationToken ct)
    {
        List<Guid> ids;
        await using (var db = _host.OpenTenant())
            ids = await db.Set<Order>().Where(o => o.ShopId == shop && o.Status == OrderStatus.Audited).OrderBy(o => o.OrderNo).Select(o => o.Id).Take(5_000).ToListAsync(ct);
        if (ids.Count == 0) return;
        var fetched = await CallAsync(c => c.PostAsJsonAsync(new Uri("/api/v1/fulfillment/waybills", UriKind.Relative), new { orderIds = ids }, ct));
        if (fetched is null) return;
        var rows = new List<object>();
        var refused = new List<string>();
        foreach (var result in fetched.Value.GetProperty("results").EnumerateArray())
            if (result.GetProperty("trackingNo").GetString() is { } tracking)
                rows.Add(new { orderNo = result.GetProperty("orderNo").GetString(), trackingNo = tracking, carrierCode = result.GetProperty("carrierCode").GetString() });
            else if (result.GetProperty("code").GetString() != "order.shipped")
                refused.Add($"{result.GetProperty("orderNo").GetString()}: {result.GetProperty("message").GetString()}");
        // Orders shipped meanwhile by a job the node resumed answer order.shipped: not a failure. Any other refusal with
        // no number issued at all is the carrier's or the data's, and stops the run with its reason.
        if (refused.Count > 0 && rows.Count == 0)
            throw new InvalidOperationException("No waybill number was issued: " + string.Join("; ", refused.Take(3)));
        if (rows.Count > 0)
            await CallAsync(c => c.PostAsJsonAsync(new Uri("/api/v1/fulfillment/ship-jobs", UriKind.Relative), new { mode = "Simple", rows }, ct));
    }

    /// <summary>An API call; null when the node is down or went down during it (a kill), an exception when it refused.</summary>
    private async Task<JsonElement?> CallAsync(Func<HttpClient, Task<HttpResponseMessage>> call)
    {
        HttpResponseMessage response;
        try
        {
            response = await call(_api);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            return null;
        }
        using (response)
        {
            if ((int)response.StatusCode >= 500 || response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable) return null;
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
            return body.Length == 0 ? default(JsonElement) : JsonSerializer.Deserialize<JsonElement>(body, Json);
        }
    }

    private static bool IsDatabaseDown(Exception e) =>
        e is System.Data.Common.DbException || e.InnerException is System.Data.Common.DbException || e is System.Net.Sockets.SocketException;

    /// <summary>The write-backs not accepted, by state and last error: what a stalled batch is waiting for.</summary>
    private async Task<string> UnconfirmedAsync(Guid shop, CancellationToken ct)
    {
        await using var db = _host.OpenTenant();
        var waiting = await db.Set<ShipmentConfirmation>().AsNoTracking().Where(c => c.ShopId == shop && c.State != ConfirmationState.Accepted).Take(200).ToListAsync(ct);
        return "Write-backs not accepted: " + (waiting.Count == 0 ? "none" : string.Join("; ", waiting.GroupBy(c => (c.State, c.Attempts, c.LastError))
            .Select(g => $"{g.Count()} {g.Key.State} after {g.Key.Attempts} attempts ({g.Key.LastError ?? "no error"}), next at {g.First().NextAttemptAt:HH:mm:ss}, lease {g.First().LeaseUntil:HH:mm:ss}")));
    }

    /// <summary>The last of what the node (running or dead) wrote: a stalled batch's first clue.</summary>
    private string NodeOutput()
    {
        lock (_nodeLog) return _nodeLog.Length > 6000 ? _nodeLog.ToString(_nodeLog.Length - 6000, 6000) : _nodeLog.ToString();
    }

    // ---- the checks ---------------------------------------------------------------------------------------------------

    private async Task<List<CrashViolation>> CheckAsync(int batch, Guid shop, CancellationToken ct)
    {
        var found = new List<CrashViolation>();
        void Fail(string check, string detail) => found.Add(new CrashViolation(batch, check, detail));
        await using var db = _host.OpenTenant();

        var drifts = await new Shelfbook.Inventory.Features.Verify.StockVerification(db).RunAsync(ct);
        foreach (var drift in drifts.Take(5)) Fail("verify", drift.ToString()!);

        // Each platform order stored once, made into exactly one order.
        List<string> tids;
        lock (_state.Taobao.Gate) tids = _state.Taobao.Sellers[Session(batch)].Trades.Keys.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var stored = await db.Set<PlatformOrder>().Where(o => o.ShopId == shop).Select(o => o.PlatformOrderId).ToListAsync(ct);
        if (stored.Count != tids.Count || stored.Distinct().Count() != stored.Count || stored.Except(tids).Any())
            Fail("platform orders stored once", $"{stored.Count} stored ({stored.Distinct().Count()} distinct) of {tids.Count} in the sandbox");
        var orders = await db.Set<Order>().Where(o => o.ShopId == shop).Select(o => new { o.Id, o.OrderNo, o.PlatformOrderNo, o.Status, o.TrackingNo }).ToListAsync(ct);
        foreach (var twice in orders.GroupBy(o => o.PlatformOrderNo).Where(g => g.Count() > 1).Take(5))
            Fail("one order per platform order", $"platform order {twice.Key} became {twice.Count()} orders: {string.Join(", ", twice.Select(o => o.OrderNo))}");
        if (orders.Count != tids.Count) Fail("one order per platform order", $"{orders.Count} orders for {tids.Count} platform orders");
        foreach (var o in orders.Where(o => o.Status != OrderStatus.Shipped).Take(5))
            Fail("every order shipped", $"order {o.OrderNo} is {o.Status}");

        // No order audited or shipped twice (the order log has each move once).
        var ids = orders.Select(o => o.Id).ToList();
        var moves = new List<(Guid OrderId, OrderStatus To, int Count)>();
        foreach (var chunk in ids.Chunk(5_000))
            moves.AddRange((await db.Set<OrderLogEntry>().Where(l => chunk.Contains(l.OrderId) && (l.To == OrderStatus.Audited || l.To == OrderStatus.Shipped))
                .GroupBy(l => new { l.OrderId, l.To }).Select(g => new { g.Key.OrderId, g.Key.To, Count = g.Count() }).ToListAsync(ct)).Select(m => (m.OrderId, m.To, m.Count)));
        foreach (var twice in moves.Where(m => m.Count > 1).Take(5))
            Fail($"no order {twice.To.ToString().ToLowerInvariant()} twice", $"order {orders.First(o => o.Id == twice.OrderId).OrderNo} moved to {twice.To} {twice.Count} times");

        // One parcel per shipped order, no tracking number on two parcels or two live waybills, the order's number its parcel's.
        var parcels = new List<Parcel>();
        foreach (var chunk in ids.Chunk(5_000))
            parcels.AddRange(await db.Set<Parcel>().AsNoTracking().Where(p => chunk.Contains(p.OrderId)).ToListAsync(ct));
        foreach (var twice in parcels.GroupBy(p => p.OrderId).Where(g => g.Count() > 1).Take(5)) Fail("one parcel per order", $"order {twice.First().OrderNo} has {twice.Count()} parcels");
        foreach (var twice in parcels.GroupBy(p => p.TrackingNo).Where(g => g.Count() > 1).Take(5)) Fail("one parcel per tracking number", $"{twice.Key} is on {twice.Count()} parcels");
        var shipped = orders.Where(o => o.Status == OrderStatus.Shipped).ToList();
        if (parcels.Count != shipped.Count) Fail("one parcel per order", $"{parcels.Count} parcels for {shipped.Count} shipped orders");
        var parcelOf = parcels.GroupBy(p => p.OrderId).ToDictionary(g => g.Key, g => g.First());
        foreach (var o in shipped.Where(o => !parcelOf.TryGetValue(o.Id, out var p) || p.TrackingNo != o.TrackingNo).Take(5))
            Fail("the order's number is its parcel's", $"order {o.OrderNo} has {o.TrackingNo}, its parcel {parcelOf.GetValueOrDefault(o.Id)?.TrackingNo ?? "none"}");
        var waybills = await db.Set<Waybill>().AsNoTracking().Where(w => w.Status != WaybillStatus.Cancelled && w.TrackingNo != null).Select(w => w.TrackingNo!).ToListAsync(ct);
        foreach (var twice in waybills.GroupBy(t => t).Where(g => g.Count() > 1).Take(5)) Fail("one waybill per tracking number", $"{twice.Key} is on {twice.Count()} live waybills");
        List<IGrouping<string, Sandbox.Carriers.IssuedWaybill>> reissued;
        lock (_state.Carriers.Gate) reissued = _state.Carriers.Issued.Values.GroupBy(w => w.Reference).Where(g => g.Select(w => w.TrackingNo).Distinct().Count() > 1).ToList();
        foreach (var twice in reissued.Take(5)) Fail("one number per parcel at the carrier", $"reference {twice.Key} got {twice.Count()} numbers");

        // Every shipped unit left the ledger as an outbound movement of its order; nothing stays reserved for it.
        var units = new Dictionary<Guid, long>();
        var outbound = new Dictionary<Guid, long>();
        var reserved = 0;
        foreach (var chunk in shipped.Select(o => o.Id).Chunk(5_000))
        {
            foreach (var u in await db.Set<OrderItem>().Where(i => chunk.Contains(i.OrderId)).GroupBy(i => i.OrderId).Select(g => new { g.Key, Units = g.Sum(i => (long)i.Quantity) }).ToListAsync(ct))
                units[u.Key] = u.Units;
            var keys = chunk.Select(id => id.ToString()).ToList();
            foreach (var m in await db.Set<StockMovement>().Where(m => m.SourceType == "order" && keys.Contains(m.SourceId!) && m.Type == MovementType.SalesShipment)
                         .GroupBy(m => m.SourceId).Select(g => new { g.Key, Units = g.Sum(m => -(long)m.Quantity) }).ToListAsync(ct))
                outbound[Guid.Parse(m.Key!)] = m.Units;
            reserved += await db.Set<StockReservation>().CountAsync(r => chunk.Contains(r.OrderId), ct);
        }
        foreach (var o in shipped.Where(o => units.GetValueOrDefault(o.Id) != outbound.GetValueOrDefault(o.Id)).Take(5))
            Fail("outbound movements for every shipped order", $"order {o.OrderNo}: {units.GetValueOrDefault(o.Id)} units, {outbound.GetValueOrDefault(o.Id)} shipped out of the ledger");
        if (reserved > 0) Fail("no reservation left behind", $"{reserved} reservations of shipped orders remain");

        // The platform got each parcel's number exactly once (accepted), and every one of them in the end.
        List<ReceivedConfirmation> received;
        received = _state.Received.Where(r => r.Seller == Session(batch)).ToList();
        var accepted = received.Where(r => r.Accepted).GroupBy(r => r.OrderId).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var twice in accepted.Where(a => a.Value.Count > 1).Take(5)) Fail("each confirmation at most once", $"platform order {twice.Key} was confirmed {twice.Value.Count} times");
        var missing = tids.Where(t => !accepted.ContainsKey(t)).ToList();
        if (missing.Count > 0) Fail("every confirmation in the end", $"{missing.Count} platform orders never confirmed, e.g. {missing[0]}");
        var byTid = orders.GroupBy(o => o.PlatformOrderNo ?? "").ToDictionary(g => g.Key, g => g.First().TrackingNo);
        foreach (var wrong in accepted.Where(a => byTid.GetValueOrDefault(a.Key) != a.Value[0].TrackingNo).Take(5))
            Fail("the confirmed number is the parcel's", $"platform order {wrong.Key} confirmed with {wrong.Value[0].TrackingNo}, shipped with {byTid.GetValueOrDefault(wrong.Key)}");
        return found;
    }

    private static string Session(int batch) => $"crash-session-{batch}";

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopNodeAsync();
        _api.Dispose();
        await _sandbox.StopAsync();
        await _sandbox.DisposeAsync();
        await _host.DisposeAsync();
    }
}
