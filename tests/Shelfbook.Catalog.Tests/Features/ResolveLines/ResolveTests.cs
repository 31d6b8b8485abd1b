using System.Net;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Features.ManageCombos;
using Shelfbook.Catalog.Features.ManageProducts;
using Shelfbook.Catalog.Features.ManageReplacements;
using Shelfbook.Catalog.Features.ManageShops;
using Shelfbook.Catalog.Features.MapListings;
using Shelfbook.Catalog.Features.ResolveLines;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Catalog.Tests.Features.ResolveLines;

public abstract class ResolveTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Api = "/api/v1/catalog";

    private ShopView _tmall = default!, _pdd = default!;
    private Dictionary<string, Guid> _ids = [];

    private async Task SeedAsync()
    {
        var products = new[]
        {
            await Session.PostAsync<ProductView>($"{Api}/products", new
            {
                name = "T恤", skus = new[]
                {
                    new { code = "RED", barcodes = new[] { "6901" }, costPrice = 2000, retailPrice = 6000 },
                    new { code = "BLUE", barcodes = new[] { "6902" }, costPrice = 1000, retailPrice = 3000 },
                    new { code = "OLD", barcodes = Array.Empty<string>(), costPrice = 1000, retailPrice = 3000 },
                },
            }, HttpStatusCode.Created),
        };
        _ids = products.SelectMany(p => p.Skus).ToDictionary(s => s.Code, s => s.Id);
        await Session.PostAsync<AliasView>($"{Api}/skus/{_ids["RED"]}/aliases", new { code = "R-OLD" }, HttpStatusCode.Created);
        var box = await Session.PostAsync<ComboView>($"{Api}/combos", new
        {
            name = "红蓝礼盒", code = "BOX", components = new[] { new { code = "RED", quantity = 1 }, new { code = "BLUE", quantity = 2 } },
        }, HttpStatusCode.Created);
        var crate = await Session.PostAsync<ComboView>($"{Api}/combos", new
        {
            name = "大箱", code = "CRATE", components = new[] { new { code = "BOX", quantity = 2 }, new { code = "RED", quantity = 1 } },
        }, HttpStatusCode.Created);
        (_ids["BOX"], _ids["CRATE"]) = (box.Sku.Id, crate.Sku.Id);
        _tmall = await Session.PostAsync<ShopView>($"{Api}/shops", new { platform = "Tmall", code = "TM", name = "天猫店" }, HttpStatusCode.Created);
        _pdd = await Session.PostAsync<ShopView>($"{Api}/shops", new { platform = "Pinduoduo", code = "PDD", name = "拼多多店" }, HttpStatusCode.Created);
        await Session.PostAsync<ListingsStored>($"{Api}/shops/{_tmall.Id}/listings", new
        {
            listings = new object[] { new { platformItemId = "9001", platformSkuId = "a", sellerCode = "RED-2PK" }, new { platformItemId = "9002", sellerCode = "RED" } },
        });
        var pack = (await Session.GetAsync<Page<ListingRow>>($"{Api}/listings?shopId={_tmall.Id}&match=Unmatched")).Items.Single();
        await Session.PostAsync<MapResult>($"{Api}/listings/map", new { items = new[] { new { listingId = pack.Id, skuCode = "RED", multiplier = 2 } } });
    }

    /// <summary>
    /// Resolves through every read path (probing by chunks, the whole catalog read for the batch, and a kept snapshot
    /// of it) and checks they agree.
    /// </summary>
    private async Task<IReadOnlyList<Resolution>> ResolveAsync(IReadOnlyList<LineToResolve> lines, AvailableStock? available = null)
    {
        await using var db = Session.OpenDb();
        var snapshots = new ResolutionSnapshots();
        var probed = await new LineResolver(db).ResolveAsync(lines, available);
        var scanned = await new LineResolver(db, snapshots) { WholeTableFrom = 1 }.ResolveAsync(lines, available);
        var kept = await new LineResolver(db, snapshots) { WholeTableFrom = 1 }.ResolveAsync(lines, available);
        Assert.Equal((1, 1), (snapshots.Stores, snapshots.Hits));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(probed), System.Text.Json.JsonSerializer.Serialize(scanned));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(probed), System.Text.Json.JsonSerializer.Serialize(kept));
        return probed;
    }

    private static string Parts(Resolution r) => string.Join(" + ", r.Parts.Select(p => $"{p.SkuCode}×{p.Quantity}={p.Amount}"));

    [Fact]
    public async Task Codes_aliases_barcodes_listings_and_nested_combos_resolve_with_amounts_that_add_up()
    {
        await SeedAsync();

        var results = await ResolveAsync(
        [
            new(null, null, null, "red", 1, 6000),
            new(null, null, null, "R-OLD", 2, 12000),
            new(null, null, null, "6902", 1, 3000),
            new(_tmall.Id, "9001", "a", "whatever-the-order-says", 3, 30000),
            new(null, null, null, "BOX", 1, 10000),
            new(null, null, null, "CRATE", 1, 19999),
            new(_tmall.Id, "9002", null, null, 1, 100),
        ]);

        Assert.Equal("RED×1=6000", Parts(results[0]));
        Assert.Equal("RED×2=12000", Parts(results[1]));
        Assert.Equal("BLUE×1=3000", Parts(results[2]));
        Assert.Equal("RED×6=30000", Parts(results[3]));
        Assert.Equal(2, results[3].Multiplier);
        Assert.NotNull(results[3].ListingId);
        // By retail price: RED 6000×1 and BLUE 3000×2 weigh the same.
        Assert.Equal("RED×1=5000 + BLUE×2=5000", Parts(results[4]));
        Assert.All(results[4].Parts, p => Assert.Equal(_ids["BOX"], p.ComboSkuId));
        Assert.Equal(_ids["BOX"], results[4].SkuId);
        // CRATE = 2 BOX + RED = 3 RED + 4 BLUE; weights 18000 : 12000.
        Assert.Equal("RED×3=11999 + BLUE×4=8000", Parts(results[5]));
        Assert.Equal(19999, results[5].Parts.Sum(p => p.Amount));
        Assert.Equal("RED×1=100", Parts(results[6]));
    }

    [Fact]
    public async Task Replacement_rules_apply_by_shop_date_and_stock_and_only_once()
    {
        await SeedAsync();
        var nov = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        await Session.PostAsync<ReplacementView>($"{Api}/replacements", new { fromCode = "OLD", toCode = "BLUE", factor = 2, startsAt = nov, endsAt = nov.AddDays(30) }, HttpStatusCode.Created);
        await Session.PostAsync<ReplacementView>($"{Api}/replacements", new { fromCode = "BLUE", toCode = "RED", shopId = _pdd.Id }, HttpStatusCode.Created);
        await Session.PostAsync<ReplacementView>($"{Api}/replacements", new { fromCode = "RED", toCode = "OLD", onlyWhenOutOfStock = true }, HttpStatusCode.Created);
        var stock = new Dictionary<string, long> { ["RED"] = 1 };
        long Available(Guid sku) => stock.GetValueOrDefault(_ids.Single(i => i.Value == sku).Key);

        var results = await ResolveAsync(
        [
            new(null, null, null, "OLD", 1, 0, nov.AddDays(1)),
            new(null, null, null, "OLD", 1, 0, nov.AddDays(31)),
            new(_pdd.Id, null, null, "BLUE", 1),
            new(_tmall.Id, null, null, "BLUE", 1),
            new(null, null, null, "RED", 1),
            new(null, null, null, "RED", 2),
            new(_pdd.Id, null, null, "BOX", 1),
        ], Available);
        var withoutStock = await ResolveAsync([new(null, null, null, "RED", 2)]);

        Assert.Equal("BLUE×2=0", Parts(results[0]));
        Assert.Equal(_ids["OLD"], results[0].Parts[0].ReplacedSkuId);
        Assert.NotNull(results[0].ReplacementId);
        Assert.Equal("OLD×1=0", Parts(results[1]));
        Assert.Equal("RED×1=0", Parts(results[2]));
        Assert.Equal("BLUE×1=0", Parts(results[3]));
        Assert.Equal("RED×1=0", Parts(results[4]));
        // Out of stock for two: replaced by OLD, and OLD is not replaced again by its own (dated) rule.
        Assert.Equal("OLD×2=0", Parts(results[5]));
        // A combo's component is replaced too (BLUE → RED in that shop).
        Assert.Equal("RED×1=0 + RED×2=0", Parts(results[6]));
        Assert.Equal("RED×2=0", Parts(withoutStock[0]));
    }

    [Fact]
    public async Task A_combo_part_replaced_by_a_combo_is_picked_as_its_parts_and_unpriced_parts_share_by_quantity()
    {
        await SeedAsync();
        var free = await Session.PostAsync<ProductView>($"{Api}/products", new { name = "赠品", skus = new[] { new { code = "G1" }, new { code = "G2" } } }, HttpStatusCode.Created);
        await Session.PostAsync<ComboView>($"{Api}/combos", new { name = "赠品包", code = "GIFTS", retailPrice = 0, components = new[] { new { code = "G1", quantity = 1 }, new { code = "G2", quantity = 3 } } }, HttpStatusCode.Created);
        await Session.PostAsync<ReplacementView>($"{Api}/replacements", new { fromCode = "BLUE", toCode = "GIFTS" }, HttpStatusCode.Created);
        _ = free;

        var results = await ResolveAsync([new(null, null, null, "BOX", 1, 6000), new(null, null, null, "GIFTS", 1, 400), new(null, null, null, "BOX", 1, 6000, new DateTime(2026, 11, 11, 8, 0, 0, DateTimeKind.Local))]);

        // BOX = RED + 2 BLUE; each BLUE becomes GIFTS = G1 + 3 G2.
        Assert.Equal("RED×1=6000 + G1×2=0 + G2×6=0", Parts(results[0]));
        Assert.Equal("G1×1=100 + G2×3=300", Parts(results[1]));
        Assert.True(results[2].Resolved);
    }

    [Fact]
    public async Task A_line_that_cannot_be_resolved_says_why()
    {
        await SeedAsync();
        await Session.PostAsync<SkuView>($"{Api}/skus/{_ids["CRATE"]}/deactivate", null);
        await Session.PostAsync<SkuView>($"{Api}/skus/{_ids["OLD"]}/deactivate", null);

        var results = await Session.PostAsync<List<Resolution>>($"{Api}/resolve", new
        {
            lines = new object[]
            {
                new { sellerCode = "NOPE", quantity = 1 },
                new { sellerCode = "OLD", quantity = 1 },
                new { sellerCode = "CRATE", quantity = 1 },
                new { sellerCode = "RED", quantity = 0 },
                new { shopId = _tmall.Id, platformItemId = "404", quantity = 1 },
                new { sellerCode = "RED", quantity = 1 },
            },
        });

        Assert.Equal(["unmapped", "inactive_sku", "inactive_sku", "bad_quantity", "unmapped", null], results.Select(r => r.Failure?.Code));
        Assert.All(results.Take(5), r => Assert.Empty(r.Parts));
        Assert.Equal("NOPE", results[0].Failure!.Value);
        Assert.Empty(await Session.PostAsync<List<Resolution>>($"{Api}/resolve", new { lines = Array.Empty<object>() }));
    }

    [Fact]
    public async Task A_kept_snapshot_serves_until_the_catalog_changes_and_never_holds_a_change_that_was_not_committed()
    {
        await SeedAsync();
        var snapshots = new ResolutionSnapshots();
        async Task<Resolution> Resolve(string code, long amount = 1000, Shelfbook.Data.Tenancy.TenantDbContext? db = null)
        {
            await using var own = db is null ? Session.OpenDb() : null;
            return (await new LineResolver(db ?? own!, snapshots) { WholeTableFrom = 1 }.ResolveAsync([new(null, null, null, code, 1, amount)])).Single();
        }

        Assert.Equal("unmapped", (await Resolve("R-NEW")).Failure?.Code);
        Assert.True((await Resolve("RED")).Resolved);
        Assert.Equal((1, 1), (snapshots.Stores, snapshots.Hits));

        // A new code does not move the version: the snapshot lacks it, the registry has it, so it is read again.
        await Session.PostAsync<AliasView>($"{Api}/skus/{_ids["RED"]}/aliases", new { code = "R-NEW" }, HttpStatusCode.Created);
        Assert.Equal("RED", (await Resolve("R-NEW")).Parts.Single().SkuCode);
        Assert.Equal(2, snapshots.Stores);
        // Changes to what was read move it: a code removed, a SKU's state, a rule.
        using (var removed = await Session.Api.DeleteAsync(new Uri($"{Api}/skus/{_ids["RED"]}/aliases/R-NEW", UriKind.Relative)))
            Assert.True(removed.IsSuccessStatusCode);
        Assert.Equal("unmapped", (await Resolve("R-NEW")).Failure?.Code);
        await Session.PostAsync<SkuView>($"{Api}/skus/{_ids["CRATE"]}/deactivate", null);
        Assert.Equal("inactive_sku", (await Resolve("CRATE")).Failure?.Code);
        await Session.PostAsync<ReplacementView>($"{Api}/replacements", new { fromCode = "OLD", toCode = "RED" }, HttpStatusCode.Created);
        Assert.Equal("RED", (await Resolve("OLD")).Parts.Single().SkuCode);
        Assert.Equal(5, snapshots.Stores);

        // A batch inside a transaction sees its own change, but what it read is not kept for others.
        await using (var db = Session.OpenDb())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlAsync(db.Database, $"UPDATE skus SET active = {false} WHERE code = {"RED"}");
            Assert.Equal("inactive_sku", (await Resolve("RED", db: db)).Failure?.Code);
            await transaction.RollbackAsync();
        }
        var hits = snapshots.Hits;
        Assert.True((await Resolve("RED")).Resolved);
        Assert.Equal((5, hits + 1), (snapshots.Stores, snapshots.Hits));
    }

    [Fact]
    public async Task The_triggers_that_move_the_catalog_version_exist_after_all_migrations()
    {
        // EF Core drops raw-SQL triggers when it rebuilds a SQLite table in a later migration: this notices.
        await using var db = Session.OpenDb();
        var postgres = db.Database.ProviderName!.Contains("Npgsql", StringComparison.Ordinal);
        var names = await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.SqlQueryRaw<string>(db.Database, postgres
                ? "SELECT t.tgname AS \"Value\" FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND t.tgname LIKE 'catalog_stamp%'"
                : "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'catalog_stamp%'")
            .ToListAsync();

        string[] all = ["insert", "update", "delete"];
        var expected = postgres
            ? new[] { "skus", "catalog_codes", "combo_components", "sku_replacements", "catalog_settings" }.SelectMany(t => new[] { $"catalog_stamp_{t}", $"catalog_stamp_{t}_truncate" })
            : new[] { ("skus", new[] { "update", "delete" }), ("catalog_codes", new[] { "update", "delete" }), ("combo_components", all), ("sku_replacements", all), ("catalog_settings", all) }
                .SelectMany(x => x.Item2.Select(e => $"catalog_stamp_{x.Item1}_{e}"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Replacement_rules_check_their_input()
    {
        await SeedAsync();

        var same = await Session.ProblemAsync(HttpMethod.Post, $"{Api}/replacements", new { fromCode = "RED", toCode = "red" }, HttpStatusCode.BadRequest);
        var unknown = await Session.ProblemAsync(HttpMethod.Post, $"{Api}/replacements", new { fromCode = "NOPE", toCode = "RED", factor = 0 }, HttpStatusCode.BadRequest);
        var dates = await Session.ProblemAsync(HttpMethod.Post, $"{Api}/replacements",
            new { fromCode = "RED", toCode = "BLUE", startsAt = "2026-11-11T00:00:00+08:00", endsAt = "2026-11-10T00:00:00+08:00" }, HttpStatusCode.BadRequest);
        var created = await Session.PostAsync<ReplacementView>($"{Api}/replacements", new { fromCode = "RED", toCode = "BLUE", startsAt = "2026-11-11T00:00:00+08:00" }, HttpStatusCode.Created);

        Assert.Equal("same_sku", same.GetProperty("codes").GetProperty("toCode")[0].GetString());
        Assert.Equal("unknown_sku", unknown.GetProperty("codes").GetProperty("fromCode")[0].GetString());
        Assert.Equal("out_of_range", unknown.GetProperty("codes").GetProperty("factor")[0].GetString());
        Assert.Equal("before_start", dates.GetProperty("codes").GetProperty("endsAt")[0].GetString());
        Assert.Equal(new DateTime(2026, 11, 10, 16, 0, 0, DateTimeKind.Utc), created.StartsAt);
        Assert.Single(await Session.GetAsync<List<ReplacementView>>($"{Api}/replacements"));
    }
}

public sealed class ResolveTestsOnSqlite(SqliteApp app) : ResolveTests(app);

public sealed class ResolveTestsOnPostgres(PostgresApp app) : ResolveTests(app);
