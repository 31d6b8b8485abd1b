using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Shelfbook.TestKit;

namespace Shelfbook.Browser.Tests;

/// <summary>A seller's first minutes, in a real browser: sign in, add a warehouse, find it, switch to English.</summary>
public sealed class SignInAndWarehouseTests(BrowserApp browserApp) : IClassFixture<BrowserApp>
{
    private async Task<(IPage Page, TenantSession Session)> SignInAsync(Func<TenantSession, Task>? prepare = null)
    {
        CiGuard.SkipUnlessAvailable(browserApp.SkipReason);
        var session = await browserApp.App.NewTenantAsync("浏览器测试公司");
        if (prepare is not null) await prepare(session);
        var context = await browserApp.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = browserApp.BaseUrl, Locale = "en-US" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        Report(page);

        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/login**");
        await page.FillAsync("#company", session.Tenant.Value);
        await page.FillAsync("#user", session.AdminLogin);
        await page.FillAsync("#password", session.AdminPassword);
        await page.ClickAsync("[data-testid=login-submit]");
        await WaitInteractiveAsync(page);
        return (page, session);
    }

    /// <summary>What the browser saw go wrong goes into the test's output, so a failure explains itself.</summary>
    private static void Report(IPage page)
    {
        var output = TestContext.Current.TestOutputHelper;
        // A page's late events (a request cut off as its test closed) come after the test: xUnit then refuses the line, and
        // an exception thrown in Playwright's dispatcher would close the browser under every later test.
        void Write(string line)
        {
            try
            {
                output?.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
            }
        }
        page.Console += (_, message) => { if (message.Type is "error" or "warning") Write($"console {message.Type}: {message.Text}"); };
        page.RequestFailed += (_, request) => Write($"request failed: {request.Method} {request.Url} {request.Failure}");
        page.Response += (_, response) => { if (response.Status >= 400) Write($"HTTP {response.Status}: {response.Url}"); };
    }

    /// <summary>The input of a form field, whether the test id sits on the input or on its wrapper.</summary>
    private static ILocator Field(IPage page, string testId) =>
        page.Locator($"[data-testid={testId}]").Locator("xpath=descendant-or-self::input").First;

    /// <summary>Prerendered buttons ignore clicks until the circuit is up; the layout marks that moment.</summary>
    private static async Task WaitInteractiveAsync(IPage page) =>
        await page.WaitForSelectorAsync("[data-testid=interactive]", new() { State = WaitForSelectorState.Attached });

    [Fact]
    public async Task Sign_in_create_a_warehouse_see_it_listed_then_switch_to_english()
    {
        var (page, _) = await SignInAsync();

        // Chinese by default, even though the browser asks for English.
        Assert.Contains("工作台", await page.InnerTextAsync("body"));

        await page.GetByRole(AriaRole.Link, new() { Name = "仓库", Exact = true }).ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=warehouse-new]");
        await page.ClickAsync("[data-testid=warehouse-new]");
        await Field(page, "field-code").FillAsync("HZ01");
        await Field(page, "field-name").FillAsync("杭州仓");
        await page.ClickAsync("[data-testid=warehouse-save]");

        var row = page.Locator("[data-testid=warehouse-table] tr", new() { HasText = "HZ01" });
        await row.WaitForAsync();
        Assert.Contains("杭州仓", await row.InnerTextAsync());
        Assert.Contains("自营仓", await row.InnerTextAsync());

        // The dashboard counts it.
        await page.GetByRole(AriaRole.Link, new() { Name = "工作台", Exact = true }).ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=figure-inventory-0] [data-testid=figure-value]");
        Assert.Equal("1", (await page.InnerTextAsync("[data-testid=figure-inventory-0] [data-testid=figure-value]")).Trim());
        await page.GetByRole(AriaRole.Link, new() { Name = "仓库", Exact = true }).ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=warehouse-new]");

        await page.ClickAsync("[data-testid=language-menu] button");
        await page.ClickAsync("[data-testid=lang-en]");
        await WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("text=New warehouse");
        // The rows load once the page is live, after the frame.
        await page.Locator("[data-testid=warehouse-table] tr", new() { HasText = "HZ01" }).WaitForAsync();
        var text = await page.InnerTextAsync("body");
        Assert.Contains("Warehouses", text);
        Assert.Contains("HZ01", text);
        Assert.Contains("Own", text);
        Assert.DoesNotContain("新建仓库", text);
    }

    [Fact]
    public async Task A_bad_warehouse_shows_the_error_beside_the_field_and_saves_nothing()
    {
        var (page, session) = await SignInAsync();
        await page.GotoAsync("/warehouses");
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=warehouse-new]");
        await Field(page, "field-code").FillAsync("BAD 1");
        await page.ClickAsync("[data-testid=warehouse-save]");

        await page.WaitForSelectorAsync("text=不能包含空格");
        Assert.Contains("必填", await page.InnerTextAsync("[data-testid=warehouse-dialog]"));
        await using var db = session.OpenDb();
        Assert.Equal(0, db.Set<Inventory.Domain.Warehouse>().Count());
    }

    [Fact]
    public async Task An_administrator_adds_a_user_with_a_role()
    {
        var (page, session) = await SignInAsync();
        await page.GotoAsync("/access/users");
        await WaitInteractiveAsync(page);

        await page.ClickAsync("[data-testid=user-new]");
        await Field(page, "field-login").FillAsync("xiaowang");
        await Field(page, "field-display-name").FillAsync("小王");
        await Field(page, "field-password").FillAsync("Xiaowang-1");
        await page.ClickAsync("[data-testid=field-roles]");
        await page.GetByRole(AriaRole.Option, new() { Name = "管理员" }).ClickAsync();
        // A click elsewhere in the dialog closes the multi-select list (Escape is not always received by it); until it has closed,
        // it covers the dialog's buttons.
        await Field(page, "field-display-name").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "管理员" }).WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        await page.ClickAsync("[data-testid=user-save]");

        var row = page.Locator("[data-testid=user-table] tr", new() { HasText = "xiaowang" });
        await row.WaitForAsync();
        Assert.Contains("小王", await row.InnerTextAsync());
        Assert.Contains("管理员", await row.InnerTextAsync());
        await using var control = session.App.OpenControl();
        Assert.True(control.Users.Any(u => u.Login == "xiaowang" && u.DisplayName == "小王"));
    }

    [Fact]
    public async Task Next_and_previous_move_through_a_long_list()
    {
        var (page, session) = await SignInAsync();
        for (var i = 1; i <= 55; i++)
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/inventory/warehouses",
                new { code = $"W{i:000}", name = $"仓库 {i}", type = "Own" }, System.Net.HttpStatusCode.Created);
        await page.GotoAsync("/warehouses");
        await WaitInteractiveAsync(page);
        var rows = page.Locator("[data-testid=warehouse-table] tbody tr");
        await page.Locator("[data-testid=warehouse-table] tr", new() { HasText = "W050" }).WaitForAsync();
        Assert.Equal(50, await rows.CountAsync());

        await page.ClickAsync("[data-testid=page-next]");
        await page.Locator("[data-testid=warehouse-table] tr", new() { HasText = "W055" }).WaitForAsync();
        Assert.Equal(5, await rows.CountAsync());
        Assert.Equal(0, await page.Locator("[data-testid=warehouse-table] tr", new() { HasText = "W001" }).CountAsync());

        await page.ClickAsync("[data-testid=page-previous]");
        await page.Locator("[data-testid=warehouse-table] tr", new() { HasText = "W001" }).WaitForAsync();
        Assert.Equal(50, await rows.CountAsync());
    }

    [Fact]
    public async Task An_operator_creates_a_company()
    {
        // Operator rights are read at sign-in, so the flag is set before.
        var (page, _) = await SignInAsync(async session =>
        {
            await using var control = session.App.OpenControl();
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
                control.Users.Where(u => u.Id == session.AdminId), s => s.SetProperty(u => u.IsOperator, true));
        });
        var code = "co" + Guid.NewGuid().ToString("N")[..6];

        await page.GetByRole(AriaRole.Link, new() { Name = "公司管理" }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=tenant-new]");
        await Field(page, "field-tenant-code").FillAsync(code);
        var dialog = page.Locator("[data-testid=tenant-dialog]");
        await dialog.Locator("input").Nth(1).FillAsync("新公司");
        await dialog.Locator("input[type=password]").FillAsync("Boss-Pass1");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();

        var row = page.Locator("[data-testid=tenant-table] tr", new() { HasText = code });
        await row.WaitForAsync();
        Assert.Contains("新公司", await row.InnerTextAsync());
    }

    [Fact]
    public async Task A_user_changes_their_own_password()
    {
        var (page, session) = await SignInAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "修改密码" }).ClickAsync();
        await WaitInteractiveAsync(page);

        await Field(page, "field-current-password").FillAsync(session.AdminPassword);
        await Field(page, "field-new-password").FillAsync("Changed-Pass1");
        await Field(page, "field-repeat-password").FillAsync("Changed-Pass1");
        await page.ClickAsync("[data-testid=password-save]");

        await page.WaitForSelectorAsync("text=密码已修改");
        await using var scope = session.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Control.ShelfbookUser>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByIdAsync(session.AdminId.ToString()))!, "Changed-Pass1"));
    }

    [Fact]
    public async Task A_product_with_two_variants_is_created_and_found()
    {
        var (page, _) = await SignInAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "货品列表" }).ClickAsync();
        await WaitInteractiveAsync(page);

        await page.ClickAsync("[data-testid=product-new]");
        await Field(page, "field-product-name").FillAsync("纯棉T恤");
        await page.Locator("[data-testid=sku-row]").Nth(0).Locator("[data-testid=field-sku-code] input, input[data-testid=field-sku-code]").First.FillAsync("TEE-RED-M");
        await page.ClickAsync("[data-testid=sku-add]");
        await page.Locator("[data-testid=sku-row]").Nth(1).Locator("[data-testid=field-sku-code] input, input[data-testid=field-sku-code]").First.FillAsync("TEE-RED-L");
        await page.ClickAsync("[data-testid=product-save]");

        await page.Locator("[data-testid=sku-table] tr", new() { HasText = "TEE-RED-L" }).WaitForAsync();
        await page.Locator("[data-testid=sku-table] tr", new() { HasText = "TEE-RED-M" }).WaitForAsync();
        Assert.Contains("纯棉T恤", await page.InnerTextAsync("[data-testid=sku-table]"));

        // The product page edits a variant's price.
        await page.Locator("[data-testid=sku-table] tr", new() { HasText = "TEE-RED-L" }).GetByRole(AriaRole.Link, new() { Name = "纯棉T恤" }).ClickAsync();
        var row = page.Locator("[data-testid=product-skus] tr", new() { HasText = "TEE-RED-L" });
        await row.WaitForAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "编辑" }).ClickAsync();
        await Field(page, "field-retail").FillAsync("69.9");
        await page.ClickAsync("[data-testid=sku-save]");
        await page.Locator("[data-testid=product-skus] tr", new() { HasText = "¥69.90" }).WaitForAsync();
    }

    [Fact]
    public async Task A_combo_is_made_of_two_skus_and_lists_its_parts()
    {
        var (page, _) = await SignInAsync(session => session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/products",
            new { name = "T恤", skus = new[] { new { code = "TEE-M" }, new { code = "TEE-L" } } }, System.Net.HttpStatusCode.Created));
        await page.GetByRole(AriaRole.Link, new() { Name = "组合装" }).ClickAsync();
        await WaitInteractiveAsync(page);

        await page.ClickAsync("[data-testid=combo-new]");
        await Field(page, "field-combo-name").FillAsync("T恤两件装");
        await Field(page, "field-combo-code").FillAsync("TEE-2PK");
        var first = page.Locator("[data-testid=component-row]").Nth(0);
        await first.Locator("input").Nth(0).FillAsync("tee-m");
        await first.Locator("input").Nth(1).FillAsync("2");
        await page.ClickAsync("[data-testid=component-add]");
        await page.Locator("[data-testid=component-row]").Nth(1).Locator("input").Nth(0).FillAsync("TEE-L");
        await page.ClickAsync("[data-testid=combo-save]");

        await page.Locator("[data-testid=combo-table] tr", new() { HasText = "TEE-M ×2 + TEE-L ×1" }).WaitForAsync();
    }

    [Fact]
    public async Task Categories_are_added_under_each_other()
    {
        var (page, _) = await SignInAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "货品分类" }).ClickAsync();
        await WaitInteractiveAsync(page);

        await page.ClickAsync("[data-testid=category-new]");
        await Field(page, "field-category-name").FillAsync("服装");
        await page.ClickAsync("[data-testid=category-save]");
        var clothes = page.Locator("[data-testid=category-table] tr", new() { HasText = "服装" });
        await clothes.WaitForAsync();
        await clothes.GetByRole(AriaRole.Button, new() { Name = "添加子分类" }).ClickAsync();
        await Field(page, "field-category-name").FillAsync("女装");
        await page.ClickAsync("[data-testid=category-save]");

        await page.Locator("[data-testid=category-table] tr", new() { HasText = "女装" }).WaitForAsync();
        var rows = await page.Locator("[data-testid=category-table] tbody tr").AllInnerTextsAsync();
        Assert.Equal(["服装", "女装"], rows.Select(r => r.Split('\t', '\n')[0].Trim()));
    }

    [Fact]
    public async Task An_unmatched_listing_is_mapped_from_its_suggestion()
    {
        var (page, _) = await SignInAsync(async session =>
        {
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/products",
                new { name = "T恤", skus = new[] { new { code = "TEE-M" } } }, System.Net.HttpStatusCode.Created);
            var shop = await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/shops",
                new { platform = "Tmall", code = "TM", name = "天猫店" }, System.Net.HttpStatusCode.Created);
            await session.PostAsync<System.Text.Json.JsonElement>($"/api/v1/catalog/shops/{shop.GetProperty("id").GetString()}/listings",
                new { listings = new[] { new { platformItemId = "9001", sellerCode = "TEE-M-2PK", title = "T恤两件装" } } });
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "店铺商品" }).ClickAsync();
        await WaitInteractiveAsync(page);

        await page.Locator("[data-testid=listing-suggestion]", new() { HasText = "TEE-M ×2" }).ClickAsync();
        await page.ClickAsync("[data-testid=listing-confirm]");

        await page.WaitForSelectorAsync("text=已匹配 1 个店铺商品");
        await page.Locator("[data-testid=listing-table]", new() { HasText = "没有符合条件的店铺商品" }).WaitForAsync();
    }

    [Fact]
    public async Task A_workbook_is_imported_from_the_import_page()
    {
        static byte[] Workbook(string code)
        {
            using var sheet = new MemoryStream();
            MiniExcelLibs.MiniExcel.SaveAs(sheet, new[] { new Dictionary<string, object?> { ["商家编码"] = code, ["货品名称"] = "导入的货品 " + code, ["零售价(元)"] = 12.5 } });
            return sheet.ToArray();
        }

        // The first import of the process loads the workbook reader and compiles the bulk path; with the other test
        // assemblies running beside this one on two cores that alone has taken over a minute. An import through the API
        // first pays that here, so the page is measured on its own work.
        var (page, _) = await SignInAsync(async session =>
        {
            using var form = new MultipartFormDataContent();
            var warm = new ByteArrayContent(Workbook("WARM-1"));
            warm.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            form.Add(warm, "file", "warm.xlsx");
            using var response = await session.Api.PostAsync(new Uri("/api/v1/catalog/import/products", UriKind.Relative), form);
            await TenantSession.Expect(response, System.Net.HttpStatusCode.OK);
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "导入导出" }).ClickAsync();
        await WaitInteractiveAsync(page);

        await page.Locator("[data-testid=import-file-products] input[type=file], input[type=file]").First.SetInputFilesAsync(
            new FilePayload { Name = "货品.xlsx", MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Buffer = Workbook("IMP-1") });

        await page.Locator("[data-testid=import-result-products]", new() { HasText = "新建 1" }).WaitForAsync(new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task A_pinduoduo_order_export_is_imported_from_the_order_import_page_and_a_bad_row_is_named()
    {
        static byte[] Export(params (string OrderNo, string Code)[] rows)
        {
            using var sheet = new MemoryStream();
            MiniExcelLibs.MiniExcel.SaveAs(sheet, rows.Select(r => new Dictionary<string, object?>
            {
                ["订单号"] = r.OrderNo, ["收货人"] = "赵六", ["手机"] = "13700000000", ["省"] = "广东", ["市"] = "深圳", ["区"] = "南山区", ["街道"] = "科技园 9 号",
                ["商家编码-SKU维度"] = r.Code, ["商品数量(件)"] = 2, ["商品总价(元)"] = 59.8,
            }));
            return sheet.ToArray();
        }

        var (page, _) = await SignInAsync(session => StockedAsync(session, 0));
        await page.GetByRole(AriaRole.Link, new() { Name = "订单导入", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=order-import-format]");
        await page.GetByRole(AriaRole.Option, new() { Name = "拼多多 订单导出" }).ClickAsync();
        var file = Export(("PDD-1", "CUP"), ("PDD-2", "NOPE"));
        await page.Locator("[data-testid=import-file-orders] input[type=file], input[type=file]").First.SetInputFilesAsync(
            new FilePayload { Name = "拼多多订单.xlsx", MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Buffer = file });
        // The unknown code is named by its row and the export's own header; nothing is written.
        await page.Locator("[data-testid=import-result-orders]", new() { HasText = "没有写入任何订单" }).WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator("[data-testid=import-errors] tr", new() { HasText = "商家编码-SKU维度" }).Filter(new() { HasText = "NOPE" }).WaitForAsync();

        await page.GetByText("只导入正确的行", new() { Exact = true }).ClickAsync();
        await page.Locator("[data-testid=import-file-orders] input[type=file], input[type=file]").First.SetInputFilesAsync(
            new FilePayload { Name = "拼多多订单.xlsx", MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Buffer = file });
        await page.Locator("[data-testid=import-result-orders]", new() { HasText = "新建 1 个订单" }).WaitForAsync(new() { Timeout = 60_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "订单", Exact = true }).ClickAsync();
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "赵六" }).WaitForAsync();
    }

    /// <summary>The platform sandbox on a free loopback port, and its address.</summary>
    private static async Task<(Microsoft.AspNetCore.Builder.WebApplication App, Uri Address)> SandboxAsync()
    {
        var sandbox = Shelfbook.Sandbox.SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await sandbox.StartAsync();
        return (sandbox, new Uri(sandbox.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First()));
    }

    [Fact]
    public async Task A_shop_is_linked_synced_and_its_orders_read_in_the_pages()
    {
        var (sandbox, address) = await SandboxAsync();
        await using var _ = sandbox;
        using var control = new HttpClient { BaseAddress = address };
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(control, "/_sandbox/taobao/sellers",
            new { appKey = "browser-app", appSecret = "browser-secret", session = "browser-session", nick = "浏览器店" })).EnsureSuccessStatusCode();
        var generated = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(control, "/_sandbox/taobao/sellers/browser-session/orders",
            new { count = 15, from = DateTime.UtcNow.AddHours(-20), to = DateTime.UtcNow.AddMinutes(-5), unpaidShare = 0.0, closedShare = 0.0 });
        var tid = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(generated.Content)).GetProperty("tids")[0].GetString()!;
        var (page, _) = await SignInAsync(session => session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/shops",
            new { platform = "Taobao", code = "TB-B", name = "淘宝浏览器店" }, System.Net.HttpStatusCode.Created));

        await page.GetByRole(AriaRole.Link, new() { Name = "店铺同步" }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=connection-edit]");
        await Field(page, "field-api-base-url").FillAsync(new Uri(address, "/taobao/router/rest").ToString());
        await Field(page, "credential-app_key").FillAsync("browser-app");
        await Field(page, "credential-app_secret").FillAsync("browser-secret");
        await Field(page, "credential-session").FillAsync("browser-session");
        await page.ClickAsync("[data-testid=dialog-save]");
        await page.WaitForSelectorAsync("text=TB-B 已保存");
        await page.ClickAsync("[data-testid=connection-sync]");
        await page.WaitForSelectorAsync("text=TB-B 同步完成：新增 15");
        await page.Locator("[data-testid=connection-health]", new() { HasText = "正常" }).WaitForAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "原始单" }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.Locator("[data-testid=orders-table] tr", new() { HasText = tid }).ClickAsync();
        await page.Locator("[data-testid=platform-order-lines]").WaitForAsync();
        await page.Locator("[data-testid=platform-order-dialog]", new() { HasText = "待发货" }).WaitForAsync();
    }

    [Fact]
    public async Task A_shops_listings_are_fetched_and_their_stock_pushed_from_the_stock_push_page()
    {
        var (sandbox, address) = await SandboxAsync();
        await using var _ = sandbox;
        using var control = new HttpClient { BaseAddress = address };
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(control, "/_sandbox/taobao/sellers",
            new { appKey = "stock-app", appSecret = "stock-secret", session = "stock-session", nick = "库存浏览器店" })).EnsureSuccessStatusCode();
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(control, "/_sandbox/taobao/sellers/stock-session/listings",
            new { listings = new[] { new { item = "陶瓷马克杯", sellerCode = "CUP", spec = "白色", quantity = 50 } } })).EnsureSuccessStatusCode();
        var (page, _) = await SignInAsync(async session =>
        {
            await StockedAsync(session, 7);
            var shop = (await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/shops",
                new { platform = "Taobao", code = "TB-S", name = "淘宝库存店" }, System.Net.HttpStatusCode.Created)).GetProperty("id").GetGuid();
            await session.PutAsync<System.Text.Json.JsonElement>($"/api/v1/channels/shops/{shop}/settings", new { apiBaseUrl = new Uri(address, "/taobao/router/rest").ToString() });
            await session.PutAsync<System.Text.Json.JsonElement>($"/api/v1/channels/shops/{shop}/credentials",
                new { values = new Dictionary<string, string> { ["app_key"] = "stock-app", ["app_secret"] = "stock-secret", ["session"] = "stock-session" } });
        });

        await page.GetByRole(AriaRole.Link, new() { Name = "库存同步" }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.Locator("[data-testid=stock-settings]").WaitForAsync();
        await page.ClickAsync("[data-testid=stock-fetch]");
        await page.WaitForSelectorAsync("text=抓取 1 个平台商品");
        var row = page.Locator("[data-testid=stock-table] tr", new() { HasText = "CUP" });
        await row.Locator("[data-testid=stock-drift]", new() { HasText = "+43" }).WaitForAsync();
        Assert.Equal("7", (await row.Locator("[data-testid=stock-wanted]").InnerTextAsync()).Trim());

        await page.ClickAsync("[data-testid=stock-push]");
        await page.WaitForSelectorAsync("text=已推送 1 个");
        var updates = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(control, "/_sandbox/stock-updates?platform=taobao");
        Assert.Equal(7, updates[0].GetProperty("quantity").GetInt64());

        await row.Locator("[data-testid=stock-edit]").ClickAsync();
        await Field(page, "field-fixed").FillAsync("3");
        await page.ClickAsync("[data-testid=dialog-save]");
        await row.Locator("[data-testid=stock-wanted]", new() { HasText = "3" }).WaitForAsync();
        await row.Locator("text=固定数量 3").WaitForAsync();
    }

    [Fact]
    public async Task An_ebay_shop_is_authorized_on_the_platforms_consent_page_and_comes_back_linked()
    {
        var (sandbox, address) = await SandboxAsync();
        await using var _ = sandbox;
        using var control = new HttpClient { BaseAddress = address };
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(control, "/_sandbox/ebay/sellers",
            new { clientId = "Browser-APP", clientSecret = "browser-secret", refreshToken = "v^1.1#r^1#seed", seller = "seed" })).EnsureSuccessStatusCode();
        var (page, session) = await SignInAsync(async session =>
        {
            var shop = (await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/shops",
                new { platform = "Ebay", code = "EB-B", name = "eBay 浏览器店" }, System.Net.HttpStatusCode.Created)).GetProperty("id").GetGuid();
            await session.PutAsync<System.Text.Json.JsonElement>($"/api/v1/channels/shops/{shop}/settings", new { apiBaseUrl = new Uri(address, "/ebay").ToString() });
        });

        await page.GetByRole(AriaRole.Link, new() { Name = "店铺同步" }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=connection-consent]");
        await Field(page, "consent-client_id").FillAsync("Browser-APP");
        await Field(page, "consent-client_secret").FillAsync("browser-secret");
        await page.ClickAsync("[data-testid=consent-start]");

        // The platform's own page: the seller agrees, and the browser comes back to Shelfbook.
        await page.WaitForURLAsync($"{address}ebay/oauth2/authorize**");
        await page.FillAsync("[data-testid=consent-seller]", "browser-seller");
        await page.ClickAsync("[data-testid=consent-agree]");
        await page.WaitForURLAsync("**/channels/authorized**");
        await page.Locator("[data-testid=consent-done]", new() { HasText = "refresh_token" }).WaitForAsync();
        await using var db = session.OpenDb();
        Assert.Contains("refresh_token", db.Set<Channels.Domain.ShopConnection>().Single().CredentialNames, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orders_are_counted_by_status_tab_and_a_selected_one_is_held_with_its_reason()
    {
        var (page, _) = await SignInAsync(async session =>
        {
            await using var db = session.OpenDb();
            var now = DateTime.UtcNow;
            for (var i = 1; i <= 3; i++)
                db.Add(new Orders.Domain.Order
                {
                    OrderNo = $"SO261201{i:D5}", Status = Orders.Domain.OrderStatus.PendingAudit, PlacedAt = now, PaidAt = now, CreatedAt = now.AddSeconds(i), UpdatedAt = now,
                    ReceiverName = "张三", Province = "浙江省", City = "杭州市", Paid = 1990 * i, LineCount = 1, Quantity = 1,
                });
            db.Add(new Orders.Domain.Order
            {
                OrderNo = "SO26120100009", Status = Orders.Domain.OrderStatus.Exception, Exceptions = Orders.Domain.OrderExceptions.SkuNotMapped, PlacedAt = now,
                CreatedAt = now, UpdatedAt = now, ReceiverName = "李四", LineCount = 1, Quantity = 1,
            });
            await db.SaveChangesAsync();
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "订单", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.Locator("[data-testid=orders-tabs]", new() { HasText = "待审核 (3)" }).WaitForAsync();

        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100003" }).Locator("input[type=checkbox]").CheckAsync();
        await page.ClickAsync("[data-testid=orders-hold]");
        await Field(page, "hold-reason").FillAsync("等买家确认颜色");
        await page.ClickAsync("[data-testid=hold-confirm]");
        await page.Locator("[data-testid=orders-tabs]", new() { HasText = "挂起 (1)" }).WaitForAsync();
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "等买家确认颜色" }).WaitForAsync();

        await page.GetByRole(AriaRole.Tab, new() { Name = "异常 (1)" }).ClickAsync();
        await page.Locator("[data-testid=orders-exceptions]", new() { HasText = "商品未匹配 (1)" }).WaitForAsync();
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100009" }).ClickAsync();
        await page.Locator("[data-testid=order-dialog]", new() { HasText = "商品未匹配" }).WaitForAsync();
    }

    [Fact]
    public async Task An_allocation_rule_made_on_its_page_decides_where_an_order_audited_from_the_list_is_reserved()
    {
        var (page, _) = await SignInAsync(async session =>
        {
            var (_, sku) = await StockedAsync(session, 10);
            await PendingOrderAsync(session, sku, "SO26120100021", "王五", "上海", "上海市", 2);
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "分配规则", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=allocation-rule-new]");
        await Field(page, "field-rule-name").FillAsync("上海优先");
        await Field(page, "field-rule-provinces").FillAsync("上海，江苏");
        await page.ClickAsync("[data-testid=field-rule-warehouse]");
        await page.GetByRole(AriaRole.Option, new() { Name = "SH · 上海仓" }).ClickAsync();
        await page.ClickAsync("[data-testid=allocation-rule-save]");
        await page.Locator("[data-testid=allocation-rule-table] tbody tr", new() { HasText = "上海优先" }).Filter(new() { HasText = "上海、江苏" }).WaitForAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "订单", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100021" }).Locator("input[type=checkbox]").CheckAsync();
        await page.ClickAsync("[data-testid=orders-audit]");
        await page.Locator("[data-testid=orders-tabs]", new() { HasText = "已审核 (1)" }).WaitForAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "已审核 (1)" }).ClickAsync();
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100021" }).ClickAsync();
        await page.Locator("[data-testid=order-warehouse]", new() { HasText = "SH · 上海仓" }).WaitForAsync();
        await page.Locator("[data-testid=order-dialog]", new() { HasText = "分配规则：上海优先" }).First.WaitForAsync();
    }

    [Fact]
    public async Task A_sku_is_replaced_on_ticked_orders_from_the_list_after_a_wrong_code_is_named_in_the_dialog()
    {
        var (page, _) = await SignInAsync(async session =>
        {
            var (_, sku) = await StockedAsync(session, 10);
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/products",
                new { name = "保温杯", skus = new[] { new { code = "MUG", barcodes = Array.Empty<string>() } } }, System.Net.HttpStatusCode.Created);
            await PendingOrderAsync(session, sku, "SO26120100061", "郑十", "浙江省", "杭州市", 2);
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "订单", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100061" }).Locator("input[type=checkbox]").CheckAsync();
        await page.ClickAsync("[data-testid=orders-replace-sku]");
        await Field(page, "field-replace-from").FillAsync("CUP");
        await Field(page, "field-replace-to").FillAsync("NOPE");
        await page.ClickAsync("[data-testid=replace-sku-confirm]");
        await page.Locator("[data-testid=replace-sku-dialog]", new() { HasText = "NOPE" }).WaitForAsync();
        await Field(page, "field-replace-to").FillAsync("mug");
        await page.ClickAsync("[data-testid=replace-sku-confirm]");
        await page.Locator("[data-testid=replace-sku-dialog]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100061" }).ClickAsync();
        await page.Locator("[data-testid=order-log]", new() { HasText = "CUP → MUG × 2" }).WaitForAsync();
    }

    [Fact]
    public async Task Order_settings_saved_on_their_page_hold_and_an_amount_anomaly_is_accepted_in_the_order_dialog()
    {
        var (page, session) = await SignInAsync(async session =>
        {
            var (_, sku) = await StockedAsync(session, 10);
            await PendingOrderAsync(session, sku, "SO26120100051", "周八", "浙江省", "杭州市", 1);
            await using var db = session.OpenDb();
            await db.Set<Orders.Domain.Order>().Where(o => o.OrderNo == "SO26120100051").ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, Orders.Domain.OrderStatus.Exception).SetProperty(o => o.Exceptions, Orders.Domain.OrderExceptions.AmountAnomaly));
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "订单设置", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.GetByLabel("按仓拆单").CheckAsync();
        await Field(page, "settings-below-cost").FillAsync("80");
        await Field(page, "settings-split-above").FillAsync("1.5");
        await Field(page, "settings-above").FillAsync("500.5");
        await Field(page, "settings-currency").FillAsync("C1");
        await page.ClickAsync("[data-testid=settings-save]");
        await page.GetByText("币种是三位字母代码").WaitForAsync();
        await Field(page, "settings-currency").FillAsync("cny");
        await page.ClickAsync("[data-testid=settings-save]");
        await page.GetByText("设置已保存").WaitForAsync();
        var saved = await session.GetAsync<Orders.Features.Settings.OrderSettingsView>("/api/v1/orders/settings");
        Assert.Equal((true, (int?)80, (long?)50050, "CNY", false, (int?)1500),
            (saved.SplitByWarehouse, saved.AnomalyBelowCostPercent, saved.AnomalyAbove, saved.AnomalyCurrency, saved.AutoMerge, saved.SplitAboveGrams));

        // 预售商品 on the same page: an unknown code is named at its field; a known one is listed with its day.
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"))).AddDays(7);
        await Field(page, "presale-sku").FillAsync("NOPE");
        await Field(page, "presale-day").FillAsync(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await Field(page, "presale-day").PressAsync("Tab");
        await page.ClickAsync("[data-testid=presale-set]");
        await page.Locator(".mud-input-helper-text.mud-input-error", new() { HasText = "NOPE" }).WaitForAsync();
        await Field(page, "presale-sku").FillAsync("cup");
        await page.ClickAsync("[data-testid=presale-set]");
        await page.Locator("[data-testid=presale-row]", new() { HasText = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }).Filter(new() { HasText = "CUP" }).WaitForAsync();
        Assert.Equal([("CUP", day)], (await session.GetAsync<List<Orders.Features.Presale.PresaleSkuView>>("/api/v1/orders/presale-skus")).Select(p => (p.SkuCode, p.ShipFrom)));

        await page.GetByRole(AriaRole.Link, new() { Name = "订单", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "异常 (1)" }).ClickAsync();
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100051" }).Locator("td").Nth(1).ClickAsync();
        // Its CUP line is now a presale line: marked with the day it ships from.
        await page.Locator("[data-testid=order-lines] [data-testid=line-presale]", new() { HasText = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) })
            .WaitForAsync();
        await page.ClickAsync("[data-testid=order-accept-amount]");
        await page.Locator("[data-testid=order-accept-amount]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        // The clicked button is gone, so focus is outside the dialog and Escape would not reach it: close it with its ✕.
        await page.ClickAsync(".mud-dialog .mud-button-close");
        await page.Locator("[data-testid=order-dialog]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await page.Locator("[data-testid=orders-tabs]", new() { HasText = "待审核 (1)" }).WaitForAsync();
        await using var db = session.OpenDb();
        Assert.Equal((Orders.Domain.OrderStatus.PendingAudit, Orders.Domain.OrderExceptions.None),
            await db.Set<Orders.Domain.Order>().Where(o => o.OrderNo == "SO26120100051").Select(o => ValueTuple.Create(o.Status, o.Exceptions)).SingleAsync());
    }

    [Fact]
    public async Task A_carrier_and_its_rate_table_made_on_their_pages_price_a_parcel_and_an_audited_order_shows_its_service_and_freight_until_it_is_intercepted_by_hand()
    {
        var (page, _) = await SignInAsync(async session =>
        {
            var (_, sku) = await StockedAsync(session, 10);
            await PendingOrderAsync(session, sku, "SO26120100041", "孙七", "浙江省", "杭州市", 1);
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "物流方式", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=carrier-new]");
        await Field(page, "field-carrier-code").FillAsync("ZTO");
        await Field(page, "field-carrier-name").FillAsync("中通快递");
        await Field(page, "field-service-code-0").FillAsync("STD");
        await Field(page, "field-service-name-0").FillAsync("中通标准");
        await page.ClickAsync("[data-testid=carrier-save]");
        await page.Locator("[data-testid=carrier-table] tbody tr", new() { HasText = "ZTO" }).Filter(new() { HasText = "无运费模板" }).WaitForAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "运费模板", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=rate-table-new]");
        await page.ClickAsync("[data-testid=field-rate-service]");
        await page.GetByRole(AriaRole.Option, new() { Name = "中通快递 · 中通标准" }).ClickAsync();
        await Field(page, "field-rate-name").FillAsync("中通全国");
        await Field(page, "field-zone-name-0").FillAsync("全国");
        await Field(page, "field-zone-first-price-0").FillAsync("6");
        await Field(page, "field-zone-step-price-0").FillAsync("3");
        await page.ClickAsync("[data-testid=rate-table-save]");
        await page.Locator("[data-testid=rate-table-table] tbody tr", new() { HasText = "中通全国" }).WaitForAsync();
        // 2.5 kg: 6.00 for the first kilo and two further kilos at 3.00.
        await Field(page, "quote-weight").FillAsync("2500");
        await page.ClickAsync("[data-testid=quote-run]");
        await page.Locator("[data-testid=quote-table] tbody tr", new() { HasText = "中通标准" }).Filter(new() { HasText = "12.00 CNY" }).WaitForAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "订单", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100041" }).Locator("input[type=checkbox]").CheckAsync();
        await page.ClickAsync("[data-testid=orders-audit]");
        await page.GetByRole(AriaRole.Tab, new() { Name = "已审核 (1)" }).ClickAsync();
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100041" }).ClickAsync();
        await page.Locator("[data-testid=order-carrier]", new() { HasText = "中通快递 · 中通标准" }).WaitForAsync();
        await page.Locator("[data-testid=order-freight]", new() { HasText = "6.00 CNY" }).WaitForAsync();

        // 改快递 from the list: the carrier is now the seller's wish, and the order's log says so.
        await page.Keyboard.PressAsync("Escape");
        await page.Locator("[data-testid=order-dialog]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100041" }).Locator("input[type=checkbox]").CheckAsync();
        await page.ClickAsync("[data-testid=orders-set-carrier]");
        await page.ClickAsync("[data-testid=set-carrier-select]");
        await page.GetByRole(AriaRole.Option, new() { Name = "ZTO · 中通快递" }).ClickAsync();
        await page.ClickAsync("[data-testid=set-carrier-confirm]");
        await page.WaitForSelectorAsync("text=已处理 1 单");
        await page.Locator("[data-testid=orders-table] tbody td", new() { HasText = "SO26120100041" }).ClickAsync();
        await page.Locator("[data-testid=order-dialog]", new() { HasText = "手工指定" }).First.WaitForAsync();
        await page.Locator("[data-testid=order-log]", new() { HasText = "改快递" }).WaitForAsync();

        // 拦截 by hand: the buyer called; the order stops with the reason and lands under 已拦截.
        await page.ClickAsync(".mud-dialog .mud-button-close");
        await page.Locator("[data-testid=order-dialog]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100041" }).Locator("input[type=checkbox]").CheckAsync();
        await page.ClickAsync("[data-testid=orders-intercept]");
        await Field(page, "hold-reason").FillAsync("买家来电暂停发货");
        await page.ClickAsync("[data-testid=hold-confirm]");
        await page.WaitForSelectorAsync("text=已处理 1 单");
        await page.GetByRole(AriaRole.Tab, new() { Name = "已拦截 (1)" }).ClickAsync();
        await page.Locator("[data-testid=orders-table] tbody td", new() { HasText = "SO26120100041" }).ClickAsync();
        await page.Locator("[data-testid=order-dialog]", new() { HasText = "已拦截 · 买家来电暂停发货" }).First.WaitForAsync();
    }

    [Fact]
    public async Task Two_orders_of_one_buyer_are_merged_from_the_order_dialog_and_the_merged_order_is_split_again()
    {
        var (page, _) = await SignInAsync(async session =>
        {
            var (_, sku) = await StockedAsync(session, 10);
            await PendingOrderAsync(session, sku, "SO26120100051", "周八", "浙江省", "杭州市", 2);
            await PendingOrderAsync(session, sku, "SO26120100052", "周八", "浙江省", "杭州市", 1);
            await using var db = session.OpenDb();
            await db.Set<Orders.Domain.Order>().ExecuteUpdateAsync(s => s.SetProperty(o => o.BuyerNick, "tb-zhou").SetProperty(o => o.Address, "文三路 1 号")
                .SetProperty(o => o.Status, Orders.Domain.OrderStatus.Exception).SetProperty(o => o.Exceptions, Orders.Domain.OrderExceptions.MergeCandidate));
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "订单", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.Locator("[data-testid=orders-table] tbody td", new() { HasText = "SO26120100052" }).ClickAsync();
        await page.Locator("[data-testid=order-merge-partners]", new() { HasText = "SO26120100051" }).WaitForAsync();
        await page.ClickAsync("[data-testid=order-merge]");
        await page.WaitForSelectorAsync("text=已合并为 SO26120100051");

        // The merged order has both lines (3 mugs): one of them is split off into a new order.
        await page.ClickAsync("[data-testid=order-split]");
        await Field(page, "split-units-0").FillAsync("2");
        await page.ClickAsync("[data-testid=split-confirm]");
        await page.WaitForSelectorAsync("text=已从 SO26120100051 拆出新订单");
        await page.Locator("[data-testid=order-log]", new() { HasText = "拆分" }).WaitForAsync();
    }

    [Fact]
    public async Task A_batch_audit_of_the_pending_tab_runs_as_a_job_whose_progress_and_results_show_on_the_jobs_page()
    {
        var (page, session) = await SignInAsync(async session =>
        {
            var (_, sku) = await StockedAsync(session, 10);
            await using var db = session.OpenDb();
            var now = DateTime.UtcNow;
            for (var i = 1; i <= 2; i++)
            {
                var order = new Orders.Domain.Order
                {
                    OrderNo = $"SO2612010003{i}", Status = Orders.Domain.OrderStatus.PendingAudit, PlacedAt = now, PaidAt = now.AddSeconds(i), CreatedAt = now, UpdatedAt = now,
                    ReceiverName = "赵六", Province = "上海", City = "上海市", Paid = 1990, LineCount = 1, Quantity = 1,
                };
                var line = new Orders.Domain.OrderLine { OrderId = order.Id, Position = 1, SellerCode = "CUP", Quantity = 1, Paid = 1990, SkuId = sku, SkuCode = "CUP" };
                db.AddRange(order, line, new Orders.Domain.OrderItem { OrderId = order.Id, LineId = line.Id, SkuId = sku, SkuCode = "CUP", Quantity = 1, Amount = 1990 });
            }
            await db.SaveChangesAsync();
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "订单", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "待审核 (2)" }).ClickAsync();
        await page.ClickAsync("[data-testid=orders-batch]");
        await page.ClickAsync("[data-testid=orders-batch-Audit]");
        await page.GetByRole(AriaRole.Button, new() { Name = "开始" }).ClickAsync();
        await page.Locator("[data-testid=jobs-table] tbody tr", new() { HasText = "排队中" }).WaitForAsync();

        // A worker runs it (the tests' schedule is off): the page follows it to the end on its own.
        var job = (await session.GetAsync<Kernel.Page<Orders.Features.BatchJobs.OrderJobView>>("/api/v1/orders/jobs")).Items.Single();
        Assert.Equal(2, job.Total);
        await session.WithAsync<Orders.Features.BatchJobs.OrderJobs, Orders.Features.BatchJobs.OrderJobView>(j => j.RunAsync(job.Id, "test", TimeSpan.FromMinutes(1), null, default));
        await page.Locator("[data-testid=jobs-table] tbody tr", new() { HasText = "已完成" }).Filter(new() { HasText = "成功 2 · 跳过 0 · 失败 0" }).WaitForAsync();
        await page.ClickAsync("[data-testid=job-results]");
        await page.Locator("[data-testid=job-items] tbody tr", new() { HasText = "SO26120100032" }).WaitForAsync();
    }

    [Fact]
    public async Task An_order_without_a_street_gets_its_address_in_the_order_dialog_and_leaves_the_exception_queue()
    {
        var (page, _) = await SignInAsync(async session =>
        {
            await using var db = session.OpenDb();
            var now = DateTime.UtcNow;
            db.Add(new Orders.Domain.Order
            {
                OrderNo = "SO26120100041", Status = Orders.Domain.OrderStatus.Exception, Exceptions = Orders.Domain.OrderExceptions.AddressIncomplete, PlacedAt = now,
                PaidAt = now, CreatedAt = now, UpdatedAt = now, ReceiverName = "钱七", Province = "江苏省", Paid = 990, LineCount = 1, Quantity = 1,
            });
            await db.SaveChangesAsync();
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "订单", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "异常 (1)" }).ClickAsync();
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "SO26120100041" }).ClickAsync();
        await page.ClickAsync("[data-testid=order-edit-address]");
        await page.ClickAsync("[data-testid=address-save]");
        // The city and the street are missing: each says so beside itself, and nothing is saved.
        await page.Locator("[data-testid=address-dialog]", new() { HasText = "必填" }).WaitForAsync();
        await Field(page, "field-address-city").FillAsync("南京市");
        await Field(page, "field-address-street").FillAsync("中山路 1 号");
        await page.ClickAsync("[data-testid=address-save]");
        await page.Locator("[data-testid=order-dialog]", new() { HasText = "中山路 1 号" }).WaitForAsync();
        await page.Locator("[data-testid=order-log]", new() { HasText = "修改地址" }).WaitForAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Locator("[data-testid=orders-tabs]", new() { HasText = "待审核 (1)" }).WaitForAsync();
    }

    [Fact]
    public async Task An_audit_rule_is_made_on_its_page_refused_without_an_action_and_listed_with_its_conditions()
    {
        var (page, session) = await SignInAsync(session =>
            session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/categories", new { name = "服装" }, System.Net.HttpStatusCode.Created));
        await page.GetByRole(AriaRole.Link, new() { Name = "审核规则", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=audit-rule-new]");
        await Field(page, "field-audit-rule-name").FillAsync("大额订单");
        await Field(page, "field-audit-rule-paid-min").FillAsync("500");
        await page.ClickAsync("[data-testid=field-audit-rule-categories]");
        await page.GetByRole(AriaRole.Option, new() { Name = "服装" }).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.ClickAsync("[data-testid=audit-rule-save]");
        await page.Locator("[data-testid=audit-rule-error]").WaitForAsync();
        await Field(page, "field-audit-rule-hold").FillAsync("大额需确认");
        await page.ClickAsync("[data-testid=audit-rule-save]");
        var row = page.Locator("[data-testid=audit-rule-table] tbody tr", new() { HasText = "大额订单" });
        await row.Filter(new() { HasText = "¥500.00" }).Filter(new() { HasText = "挂起：大额需确认" }).Filter(new() { HasText = "商品分类 服装" }).WaitForAsync();
        var rule = Assert.Single(await session.GetAsync<List<Orders.Domain.AuditRule>>("/api/v1/orders/audit-rules"));
        Assert.Equal((50000L, "大额需确认"), (rule.PaidMin!.Value, rule.HoldReason));
    }

    [Fact]
    public async Task A_phone_order_is_typed_in_an_unknown_code_is_named_on_its_line_and_the_order_then_lists_as_pending()
    {
        var (page, _) = await SignInAsync(session => StockedAsync(session, 0));
        await page.GetByRole(AriaRole.Link, new() { Name = "订单", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=orders-new-manual]");
        // 智能识别: the receiver pasted whole fills the name, phone and the place by its full names.
        await page.Locator("[data-testid=field-manual-paste]").Locator("xpath=descendant-or-self::textarea").First.FillAsync("周九，139 1234 5678，浙江 杭州 西湖区 西湖路 8 号");
        await page.ClickAsync("[data-testid=manual-paste-read]");
        await Assertions.Expect(Field(page, "field-manual-city")).ToHaveValueAsync("杭州市");
        await Assertions.Expect(Field(page, "field-manual-province")).ToHaveValueAsync("浙江省");
        await Assertions.Expect(Field(page, "field-manual-name")).ToHaveValueAsync("周九");
        await Assertions.Expect(Field(page, "field-manual-address")).ToHaveValueAsync("西湖路 8 号");
        await Field(page, "field-manual-code-0").FillAsync("CUP");
        await Field(page, "field-manual-price-0").FillAsync("29.9");
        await page.ClickAsync("[data-testid=manual-add-line]");
        await Field(page, "field-manual-code-1").FillAsync("NOPE");
        await page.ClickAsync("[data-testid=manual-save]");
        await page.Locator("[data-testid=manual-order-dialog]", new() { HasText = "NOPE" }).WaitForAsync();
        await Field(page, "field-manual-code-1").FillAsync("6900001");
        await page.ClickAsync("[data-testid=manual-save]");
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "周九" }).WaitForAsync();
        await page.Locator("[data-testid=orders-tabs]", new() { HasText = "待审核 (1)" }).WaitForAsync();

        // More filters: a tag nobody carries empties the list and the tab counts.
        await page.ClickAsync("[data-testid=orders-more-filters]");
        await Field(page, "orders-tag").FillAsync("VIP");
        await page.Locator("[data-testid=orders-tabs]", new() { HasText = "待审核 (0)" }).WaitForAsync();
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "周九" }).WaitForAsync(new() { State = WaitForSelectorState.Detached });
        // Without the tag it is back; a warehouse it is not bound to hides it again.
        await Field(page, "orders-tag").FillAsync("");
        await page.Locator("[data-testid=orders-tabs]", new() { HasText = "待审核 (1)" }).WaitForAsync();
        // Created days typed in: yesterday only hides it, today shows it again.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));
        var created = page.Locator("[data-testid=orders-created]").Locator("xpath=descendant-or-self::input");
        foreach (var (day, count) in new[] { (today.AddDays(-1), "待审核 (0)"), (today, "待审核 (1)") })
        {
            var text = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await created.Nth(0).FillAsync(text);
            await created.Nth(0).PressAsync("Tab");
            await created.Nth(1).FillAsync(text);
            await created.Nth(1).PressAsync("Tab");
            await page.Locator("[data-testid=orders-tabs]", new() { HasText = count }).WaitForAsync();
        }
        await page.ClickAsync("[data-testid=orders-warehouse]");
        await page.GetByRole(AriaRole.Option, new() { Name = "SH · 上海仓" }).ClickAsync();
        await page.Locator("[data-testid=orders-tabs]", new() { HasText = "待审核 (0)" }).WaitForAsync();
    }

    [Fact]
    public async Task A_reissue_is_made_from_the_order_dialog_and_shows_as_a_zero_amount_reissue_order()
    {
        var (page, _) = await SignInAsync(async session =>
        {
            await StockedAsync(session, 0);
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/orders/manual", new
            {
                receiver = new { receiverName = "吴十", province = "福建省", city = "厦门市", address = "环岛路 9 号" },
                lines = new[] { new { code = "CUP", quantity = 2, price = 2990 } },
            }, System.Net.HttpStatusCode.Created);
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "订单", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "吴十" }).ClickAsync();
        await page.ClickAsync("[data-testid=order-reissue]");
        await Field(page, "field-reissue-reason").FillAsync("杯子碎了");
        await Field(page, "field-reissue-quantity-0").FillAsync("1");
        await page.ClickAsync("[data-testid=reissue-save]");
        await page.Locator(".mud-snackbar", new() { HasText = "补发单" }).WaitForAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Locator("[data-testid=orders-tabs]", new() { HasText = "待审核 (2)" }).WaitForAsync();
        await page.Locator("[data-testid=orders-table] tbody tr", new() { HasText = "吴十" }).Filter(new() { HasText = "¥0.00" }).ClickAsync();
        await page.Locator("[data-testid=order-origin]", new() { HasText = "补发单" }).WaitForAsync();
    }

    [Fact]
    public async Task The_ship_station_ships_an_order_by_two_scans_and_says_loudly_what_it_refused()
    {
        var (page, session) = await SignInAsync(session => AuditedMugOrdersAsync(session, ("SO26120200071", "郑一", 2), ("SO26120200072", "郑二", 1)));
        await page.GetByRole(AriaRole.Link, new() { Name = "发货", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        // A keyboard-wedge scanner types each code and presses Enter.
        await Field(page, "ship-carrier").FillAsync("SF");
        await Field(page, "ship-order").FillAsync("SO26120200071");
        await Field(page, "ship-order").PressAsync("Enter");
        await Assertions.Expect(Field(page, "ship-tracking")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("SF3000000001");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("[data-testid=ship-last].mud-alert-text-success", new() { HasText = "SO26120200071" }).WaitForAsync();
        await Assertions.Expect(Field(page, "ship-order")).ToBeFocusedAsync();
        // The same tracking number on the next order is refused at the station.
        await page.Keyboard.TypeAsync("SO26120200072");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Field(page, "ship-tracking")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("SF3000000001");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-testid=ship-last]")).ToContainTextAsync("SF3000000001");
        await Assertions.Expect(page.Locator("[data-testid=ship-last]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-alert-text-error"));
        await page.GetByRole(AriaRole.Tab, new() { Name = "已发货" }).ClickAsync();
        await page.Locator("[data-testid=ship-parcels] tbody tr", new() { HasText = "SF3000000001" }).Filter(new() { HasText = "SO26120200071" }).WaitForAsync();
        await using var db = session.OpenDb();
        Assert.Equal(Orders.Domain.OrderStatus.Shipped, await db.Set<Orders.Domain.Order>().Where(o => o.OrderNo == "SO26120200071").Select(o => o.Status).SingleAsync());
        Assert.Equal(Orders.Domain.OrderStatus.Audited, await db.Set<Orders.Domain.Order>().Where(o => o.OrderNo == "SO26120200072").Select(o => o.Status).SingleAsync());
    }

    [Fact]
    public async Task The_pack_station_refuses_a_wrong_item_loudly_then_verifies_weighs_and_ships_by_scanner()
    {
        var (page, session) = await SignInAsync(async session =>
        {
            await AuditedMugOrdersAsync(session, ("SO26120200091", "孙一", 2));
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/products",
                new { name = "瓷盘", skus = new[] { new { code = "PLATE", barcodes = new[] { "6900002" } } } }, System.Net.HttpStatusCode.Created);
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/logistics/carriers",
                new { code = "SF", name = "顺丰速运", services = new[] { new { code = "STD", name = "顺丰标快" } } }, System.Net.HttpStatusCode.Created);
            await using var db = session.OpenDb();
            var ids = await db.Set<Orders.Domain.Order>().Select(o => o.Id).ToListAsync();
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/orders/set-carrier", new { orderIds = ids, carrierCode = "SF" });
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "验货打包", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        var input = Field(page, "pack-input");
        await Assertions.Expect(input).ToBeFocusedAsync();
        // A keyboard-wedge scanner: the order number, Enter.
        await page.Keyboard.TypeAsync("SO26120200091");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("[data-testid=pack-ok]", new() { HasText = "SO26120200091" }).WaitForAsync();
        await page.Locator("[data-testid=pack-line]", new() { HasText = "CUP" }).Filter(new() { HasText = "0 / 2" }).WaitForAsync();
        // The wrong item: refused in red, with a sound, and not counted.
        await Assertions.Expect(input).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("6900002");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("[data-testid=pack-refused]", new() { HasText = "PLATE" }).WaitForAsync();
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.shelfbook.beeps || 0"));
        await page.Locator("[data-testid=pack-line]", new() { HasText = "0 / 2" }).WaitForAsync();
        // The right ones, one scan a unit; the last completes the check and packs the order.
        foreach (var _ in Enumerable.Range(0, 2))
        {
            await Assertions.Expect(input).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("6900001");
            await page.Keyboard.PressAsync("Enter");
            await page.Locator("[data-testid=pack-ok]").WaitForAsync();
        }
        await page.Locator("[data-testid=pack-ok]", new() { HasText = "验货完成" }).WaitForAsync();
        await page.Locator("[data-testid=pack-line]", new() { HasText = "2 / 2" }).WaitForAsync();
        // The scale types kilograms; then the label's number ships it.
        await Assertions.Expect(input).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("0.640");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("[data-testid=pack-weight]", new() { HasText = "640 g" }).WaitForAsync();
        await Assertions.Expect(input).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("SF4000000001");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("[data-testid=pack-ok]", new() { HasText = "SF4000000001" }).WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=pack-order]")).ToHaveCountAsync(0);
        await using var db = session.OpenDb();
        var order = await db.Set<Orders.Domain.Order>().SingleAsync(o => o.OrderNo == "SO26120200091");
        Assert.Equal((Orders.Domain.OrderStatus.Shipped, "SF4000000001"), (order.Status, order.TrackingNo));
        var parcel = await db.Set<Fulfillment.Domain.Parcel>().SingleAsync(p => p.OrderId == order.Id);
        Assert.Equal((Fulfillment.Domain.ShipMode.WeighShip, (int?)640), (parcel.Mode, parcel.WeightGrams));
    }

    [Fact]
    public async Task A_wave_is_built_on_its_page_and_shows_its_pick_list_and_sorting_slots()
    {
        var (page, _) = await SignInAsync(session => AuditedMugOrdersAsync(session, ("SO26120200081", "钱一", 2), ("SO26120200082", "钱二", 3)));
        await page.GetByRole(AriaRole.Link, new() { Name = "波次拣货", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await page.ClickAsync("[data-testid=wave-strategy]");
        await page.GetByRole(AriaRole.Option, new() { Name = "一单多件" }).ClickAsync();
        await page.ClickAsync("[data-testid=wave-build]");
        await page.Locator("[data-testid=pick-line]", new() { HasText = "CUP" }).Filter(new() { HasText = "5" }).WaitForAsync();
        await page.Locator("[data-testid=wave-orders] tbody tr", new() { HasText = "SO26120200082" }).Filter(new() { HasText = "发货中" }).WaitForAsync();
        await page.Locator("[data-testid=waves-table] tbody tr", new() { HasText = "一单多件" }).WaitForAsync();
        // The warehouse board counts both orders in waves, none waiting.
        await page.GetByRole(AriaRole.Link, new() { Name = "发货看板", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=overview-in-waves]")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("[data-testid=overview-waiting]")).ToHaveTextAsync("0");
    }

    /// <summary>Ten mugs in stock and the orders (number, receiver in Nanjing, units), audited.</summary>
    private static async Task AuditedMugOrdersAsync(TenantSession session, params (string OrderNo, string Receiver, int Units)[] orders)
    {
        var (_, sku) = await StockedAsync(session, 10);
        foreach (var (no, receiver, units) in orders) await PendingOrderAsync(session, sku, no, receiver, "江苏省", "南京市", units);
        await using var db = session.OpenDb();
        var ids = await db.Set<Orders.Domain.Order>().Select(o => o.Id).ToListAsync();
        await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/orders/audit", new { orderIds = ids });
    }

    /// <summary>A pending order of <paramref name="units"/> mugs at 19.90 each, written straight into the tenant's database.</summary>
    private static async Task PendingOrderAsync(TenantSession session, Guid sku, string orderNo, string receiver, string province, string city, int units)
    {
        await using var db = session.OpenDb();
        var now = DateTime.UtcNow;
        var order = new Orders.Domain.Order
        {
            OrderNo = orderNo, Status = Orders.Domain.OrderStatus.PendingAudit, PlacedAt = now, PaidAt = now, CreatedAt = now, UpdatedAt = now,
            ReceiverName = receiver, Province = province, City = city, Paid = 1990 * units, LineCount = 1, Quantity = units,
        };
        var line = new Orders.Domain.OrderLine { OrderId = order.Id, Position = 1, SellerCode = "CUP", Title = "马克杯", Quantity = units, Paid = 1990 * units, SkuId = sku, SkuCode = "CUP" };
        db.AddRange(order, line, new Orders.Domain.OrderItem { OrderId = order.Id, LineId = line.Id, SkuId = sku, SkuCode = "CUP", Quantity = units, Amount = 1990 * units });
        await db.SaveChangesAsync();
    }

    private static async Task<(Guid Warehouse, Guid Sku)> StockedAsync(TenantSession session, int quantity)
    {
        var warehouse = await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/inventory/warehouses",
            new { code = "SH", name = "上海仓", type = "Own" }, System.Net.HttpStatusCode.Created);
        var product = await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/products",
            new { name = "马克杯", skus = new[] { new { code = "CUP", barcodes = new[] { "6900001" } } } }, System.Net.HttpStatusCode.Created);
        var id = warehouse.GetProperty("id").GetGuid();
        if (quantity > 0)
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/inventory/movements", new
            {
                movements = new[] { new { idempotencyKey = "open-1", type = "ManualIn", quantity, warehouseId = id, skuCode = "CUP", reason = "opening" } },
            });
        return (id, product.GetProperty("skus")[0].GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_dropship_order_waits_for_its_supplier_and_ships_with_the_number_typed_in_its_row()
    {
        var (page, session) = await SignInAsync(async session =>
        {
            var supplier = await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/suppliers", new { code = "YW", name = "义乌供货商" },
                System.Net.HttpStatusCode.Created);
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/inventory/warehouses",
                new { code = "DS", name = "义乌代发", type = "SupplierDropship", supplierId = supplier.GetProperty("id").GetGuid() }, System.Net.HttpStatusCode.Created);
            var product = await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/products",
                new { name = "马克杯", skus = new[] { new { code = "CUP" } } }, System.Net.HttpStatusCode.Created);
            var sku = product.GetProperty("skus")[0].GetProperty("id").GetGuid();
            await PendingOrderAsync(session, sku, "SO26120200081", "钱一", "浙江省", "杭州市", 2);
            await PendingOrderAsync(session, sku, "SO26120200082", "钱二", "浙江省", "杭州市", 1);
            await using var db = session.OpenDb();
            var ids = await db.Set<Orders.Domain.Order>().Select(o => o.Id).ToListAsync();
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/orders/audit", new { orderIds = ids });
        });
        await page.GetByRole(AriaRole.Link, new() { Name = "即买即售", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        var row = page.Locator("[data-testid=dropship-orders] tbody tr", new() { HasText = "SO26120200081" });
        await Assertions.Expect(row).ToContainTextAsync("CUP×2");
        await Assertions.Expect(row).ToContainTextAsync("未推送");
        await row.Locator("[data-testid=dropship-carrier]").Locator("xpath=descendant-or-self::input").First.FillAsync("SF");
        await row.Locator("[data-testid=dropship-tracking]").Locator("xpath=descendant-or-self::input").First.FillAsync("SF3100000001");
        await row.GetByTestId("dropship-ship").ClickAsync();
        await page.Locator("[data-testid=dropship-last].mud-alert-text-success", new() { HasText = "SO26120200081" }).WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=dropship-orders] tbody tr", new() { HasText = "SO26120200081" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=dropship-orders] tbody tr", new() { HasText = "SO26120200082" })).ToHaveCountAsync(1);
        await using var db = session.OpenDb();
        var shipped = await db.Set<Orders.Domain.Order>().SingleAsync(o => o.OrderNo == "SO26120200081");
        Assert.Equal((Orders.Domain.OrderStatus.Shipped, "SF3100000001"), (shipped.Status, shipped.TrackingNo));
    }

    [Fact]
    public async Task A_label_template_without_the_receiver_is_refused_on_the_settings_page_then_saved_in_a_smaller_size()
    {
        var (page, session) = await SignInAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "发货设置", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        await Field(page, "template-name").FillAsync("中通小标签");
        await Field(page, "template-width").FillAsync("76");
        await Field(page, "template-height").FillAsync("130");
        await Field(page, "template-carrier").FillAsync("ZTO");
        await page.Locator("[data-testid=template-field-receiver]").Locator("xpath=descendant-or-self::input").First.UncheckAsync();
        await page.ClickAsync("[data-testid=template-save]");
        await Assertions.Expect(page.Locator("[data-testid=template-fields-error]")).ToContainTextAsync("receiver");
        Assert.Empty(await session.GetAsync<List<Fulfillment.Features.Printing.LabelTemplateView>>("/api/v1/fulfillment/label-templates"));
        await page.Locator("[data-testid=template-field-receiver]").Locator("xpath=descendant-or-self::input").First.CheckAsync();
        await page.ClickAsync("[data-testid=template-save]");
        await page.Locator("[data-testid=label-templates] tbody tr", new() { HasText = "中通小标签" }).Filter(new() { HasText = "76×130 mm" }).WaitForAsync();
        var saved = Assert.Single(await session.GetAsync<List<Fulfillment.Features.Printing.LabelTemplateView>>("/api/v1/fulfillment/label-templates"));
        Assert.Equal((76, 130, "ZTO"), (saved.WidthMm, saved.HeightMm, saved.CarrierCode));
        Assert.Contains("receiver", saved.Fields);
    }

    [Fact]
    public async Task A_manual_receipt_is_entered_posted_and_shows_on_the_stock_page()
    {
        var (page, _) = await SignInAsync(session => StockedAsync(session, 0));
        await page.GetByRole(AriaRole.Link, new() { Name = "出入库单", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);

        await page.ClickAsync("[data-testid=document-new]");
        await page.ClickAsync("[data-testid=document-warehouse]");
        await page.GetByRole(AriaRole.Option, new() { Name = "SH 上海仓" }).ClickAsync();
        await page.ClickAsync("[data-testid=document-reason]");
        await page.GetByRole(AriaRole.Option, new() { Name = "期初入库" }).ClickAsync();
        await Field(page, "line-code").FillAsync("6900001");
        await Field(page, "line-quantity").FillAsync("7");
        await page.ClickAsync("[data-testid=document-save]");
        var row = page.Locator("[data-testid=document-table] tr", new() { HasText = "RK-" });
        await row.Locator("text=草稿").WaitForAsync();
        await row.Locator("[data-testid=document-post]").ClickAsync();
        await row.Locator("text=已过账").WaitForAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "库存查询", Exact = true }).ClickAsync();
        await WaitInteractiveAsync(page);
        var stock = page.Locator("[data-testid=stock-table] tr", new() { HasText = "CUP" });
        await stock.WaitForAsync();
        Assert.Contains("SH: 7", await stock.InnerTextAsync());
    }

    [Fact]
    public async Task A_stocktake_limited_to_a_zone_of_bins_is_started_from_the_page()
    {
        var (page, _) = await SignInAsync(async session =>
        {
            var (warehouse, _) = await StockedAsync(session, 3);
            await session.PutAsync<int>("/api/v1/fulfillment/bins", new { warehouseId = warehouse, rows = new[] { new { skuCode = "CUP", binCode = "A-01-03" } } });
        });
        await page.GotoAsync("/stocktakes");
        await WaitInteractiveAsync(page);

        await page.ClickAsync("[data-testid=stocktake-new]");
        await page.ClickAsync("[data-testid=stocktake-warehouse]");
        await page.GetByRole(AriaRole.Option, new() { Name = "SH 上海仓" }).ClickAsync();
        await Field(page, "stocktake-bins").FillAsync("a-01");
        // Two kinds of limit at once are refused above the form.
        await page.Locator("[data-testid=stocktake-start] textarea").First.FillAsync("CUP");
        await page.ClickAsync("[data-testid=stocktake-start-go]");
        await page.Locator("[data-testid=stocktake-start] .mud-alert", new() { HasText = "只能选其一" }).WaitForAsync();
        await page.Locator("[data-testid=stocktake-start] textarea").First.FillAsync("");
        await page.ClickAsync("[data-testid=stocktake-start-go]");

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/stocktakes/[0-9a-f-]{36}$"));
        await page.Locator("text=CUP").First.WaitForAsync();
        await page.GotoAsync("/stocktakes");
        await page.Locator("[data-testid=stocktake-table] tr", new() { HasText = "bin A-01" }).WaitForAsync();
    }

    [Fact]
    public async Task A_stocktake_is_counted_by_scanning_and_posted()
    {
        TenantSession? tenant = null;
        Guid warehouse = default, sku = default;
        var (page, _) = await SignInAsync(async session =>
        {
            tenant = session;
            (warehouse, sku) = await StockedAsync(session, 3);
        });
        var sheet = await tenant!.PostAsync<System.Text.Json.JsonElement>("/api/v1/inventory/stocktakes", new { warehouseId = warehouse }, System.Net.HttpStatusCode.Created);
        await page.GotoAsync($"/stocktakes/{sheet.GetProperty("id").GetString()}");
        await WaitInteractiveAsync(page);

        var scan = Field(page, "stocktake-scan");
        await scan.FillAsync("6900001");
        await scan.PressAsync("Enter");
        await page.Locator("[data-testid=stocktake-scan-result]", new() { HasText = "CUP 已盘 1" }).WaitForAsync();
        await scan.FillAsync("6900001");
        await scan.PressAsync("Enter");
        await page.Locator("[data-testid=stocktake-scan-result]", new() { HasText = "CUP 已盘 2" }).WaitForAsync();
        await scan.FillAsync("NO-SUCH-CODE");
        await scan.PressAsync("Enter");
        await page.Locator("[data-testid=stocktake-scan-result]", new() { HasText = "NO-SUCH-CODE" }).WaitForAsync();

        await page.ClickAsync("[data-testid=stocktake-post]");
        await page.Locator("[data-testid=stocktake-status]", new() { HasText = "已过账" }).WaitForAsync();
        await using var db = tenant.OpenDb();
        var balance = db.Set<Shelfbook.Inventory.Domain.StockBalance>().Single(b => b.WarehouseId == warehouse && b.SkuId == sku
                                                                                       && b.Condition == Shelfbook.Inventory.Domain.StockCondition.Sellable);
        Assert.Equal(2, balance.OnHand);
    }

    [Fact]
    public async Task A_transfer_is_drafted_shipped_received_and_closed()
    {
        var (page, _) = await SignInAsync(async session =>
        {
            await StockedAsync(session, 5);
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/inventory/warehouses", new { code = "GZ", name = "广州仓", type = "Own" }, System.Net.HttpStatusCode.Created);
        });
        await page.GotoAsync("/transfers/new");
        await WaitInteractiveAsync(page);

        await page.ClickAsync("[data-testid=transfer-from]");
        await page.GetByRole(AriaRole.Option, new() { Name = "SH 上海仓" }).ClickAsync();
        await page.ClickAsync("[data-testid=transfer-to]");
        await page.GetByRole(AriaRole.Option, new() { Name = "GZ 广州仓" }).ClickAsync();
        await Field(page, "transfer-line-code").FillAsync("CUP");
        await Field(page, "transfer-line-quantity").FillAsync("4");
        await page.ClickAsync("[data-testid=transfer-save]");
        // The page navigates in the circuit (no load event); with the other test assemblies beside this one on two cores
        // the save has once taken longer than the default 15 s.
        await page.WaitForURLAsync("**/transfers/*-*", new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await page.Locator("[data-testid=transfer-status]", new() { HasText = "草稿" }).WaitForAsync();

        await page.ClickAsync("[data-testid=transfer-ship]");
        await page.Locator("[data-testid=transfer-status]", new() { HasText = "已发出" }).WaitForAsync();
        await Field(page, "transfer-line-arrived").FillAsync("3");
        await page.ClickAsync("[data-testid=transfer-receive]");
        await page.Locator("[data-testid=transfer-status]", new() { HasText = "部分到货" }).WaitForAsync();
        // One unit never arrives: closing without a reason is refused beside the page, with a reason it closes.
        await page.ClickAsync("[data-testid=transfer-close]");
        await page.Locator("[data-testid=transfer-error]").WaitForAsync();
        await page.ClickAsync("[data-testid=transfer-reason]");
        await page.GetByRole(AriaRole.Option, new() { Name = "调拨差异" }).ClickAsync();
        await page.ClickAsync("[data-testid=transfer-close]");
        await page.Locator("[data-testid=transfer-status]", new() { HasText = "已关闭" }).WaitForAsync();
        Assert.Contains("1", await page.InnerTextAsync("[data-testid=transfer-lines]"));
    }

    [Fact]
    public async Task A_wrong_password_shows_a_message_on_the_sign_in_page()
    {
        CiGuard.SkipUnlessAvailable(browserApp.SkipReason);
        var page = await browserApp.Browser!.NewPageAsync(new BrowserNewPageOptions { BaseURL = browserApp.BaseUrl });

        await page.GotoAsync("/login");
        await page.FillAsync("#company", "nosuch");
        await page.FillAsync("#user", "admin");
        await page.FillAsync("#password", "Wrong-pass1");
        await page.ClickAsync("[data-testid=login-submit]");

        await page.WaitForSelectorAsync("[data-testid=login-error]");
        Assert.Contains("公司代码、用户名或密码不正确", await page.InnerTextAsync("[data-testid=login-error]"));
    }
}
