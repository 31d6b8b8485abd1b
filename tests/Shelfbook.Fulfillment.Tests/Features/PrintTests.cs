using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Waves;
using Shelfbook.Fulfillment.Features.Waybills;
using Shelfbook.Orders.Domain;
using Shelfbook.TestKit;

namespace Shelfbook.Fulfillment.Tests.Features;

/// <summary>PDFs read back as text (poppler's pdftotext, NFKC-normalized as DESIGN.md says): numbers, Chinese names, slot order.</summary>
public static class PdfText
{
    public static async Task<string> ReadAsync(byte[] pdf)
    {
        var tool = new[] { "/usr/bin/pdftotext", "/usr/local/bin/pdftotext" }.FirstOrDefault(File.Exists);
        CiGuard.SkipUnlessAvailable(tool is null ? "pdftotext (Debian poppler-utils) is not installed, so the PDF cannot be read back" : null);
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, pdf);
            using var process = Process.Start(new ProcessStartInfo(tool!, ["-layout", "-enc", "UTF-8", file, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
            return text.Normalize(NormalizationForm.FormKC);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The first page's size in millimetres, as poppler's pdfinfo reads it.</summary>
    public static async Task<(double WidthMm, double HeightMm)> PageSizeAsync(byte[] pdf)
    {
        var tool = new[] { "/usr/bin/pdfinfo", "/usr/local/bin/pdfinfo" }.FirstOrDefault(File.Exists);
        CiGuard.SkipUnlessAvailable(tool is null ? "pdfinfo (Debian poppler-utils) is not installed, so the PDF's page size cannot be read" : null);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, pdf);
            using var process = Process.Start(new ProcessStartInfo(tool!, [file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            var size = System.Text.RegularExpressions.Regex.Match(text, @"Page size:\s+([\d.]+) x ([\d.]+) pts");
            Assert.True(size.Success, text);
            double Mm(string points) => double.Parse(points, System.Globalization.CultureInfo.InvariantCulture) * 25.4 / 72;
            return (Math.Round(Mm(size.Groups[1].Value)), Math.Round(Mm(size.Groups[2].Value)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Pages are separated by form feeds in pdftotext's output.</summary>
    public static string[] Pages(string text) => text.Split('\f').Where(p => p.Trim().Length > 0).ToArray();
}

/// <summary>面单 and pick lists as PDF: a wave's labels in slot order with Chinese receivers, reprints marked and logged.</summary>
public abstract class PrintTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    private async Task<(HttpResponseMessage Response, byte[] Pdf)> PrintAsync(object body)
    {
        var response = await Session.Api.PostAsJsonAsync(new Uri("/api/v1/fulfillment/labels", UriKind.Relative), body);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_waves_labels_print_in_slot_order_with_chinese_receivers_and_a_reprint_is_marked_and_logged()
    {
        var (_, warehouse, audited) = await FulfillmentKit.AuditedAsync(Session, _kit, 6);
        await WaybillKit.SetUpAsync(Session, sandbox, warehouse, "ZTO");
        await Session.PostAsync<JsonElement>("/api/v1/orders/set-carrier", new { orderIds = audited.Select(o => o.Id), carrierCode = "ZTO" });
        await Session.PutAsync<JsonElement>("/api/v1/fulfillment/bins", new { warehouseId = warehouse, rows = new[] { new { skuCode = "A-1", binCode = "A-01-02" } } });
        var wave = await Session.PostAsync<WaveView>("/api/v1/fulfillment/waves", new { warehouseId = warehouse, strategy = "ByCarrier", carrierCode = "ZTO", maxOrders = 100 },
            HttpStatusCode.Created);

        // Nothing numbered yet: nothing to print.
        var (none, _) = await PrintAsync(new { waveId = wave.Id });
        Assert.Equal(HttpStatusCode.Conflict, none.StatusCode);
        Assert.Contains("print.nothing", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var numbers = await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { waveId = wave.Id });
        Assert.Equal(audited.Count, numbers.Issued);
        var (response, pdf) = await PrintAsync(new { waveId = wave.Id });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((audited.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "0"), (response.Headers.GetValues("X-Labels-Printed").Single(), response.Headers.GetValues("X-Labels-Reprinted").Single()));
        var pages = PdfText.Pages(await PdfText.ReadAsync(pdf));
        Assert.Equal(audited.Count, pages.Length);
        // Page by page in the wave's slot order: its number, its receiver in Chinese, the sender.
        var detail = await Session.GetAsync<WaveDetail>($"/api/v1/fulfillment/waves/{wave.Id}");
        var bySlot = detail.Orders.OrderBy(o => o.Slot).ThenBy(o => o.OrderNo).ToList();
        for (var i = 0; i < pages.Length; i++)
        {
            var order = audited.Single(o => o.Id == bySlot[i].OrderId);
            var number = numbers.Results.Single(r => r.OrderId == order.Id).TrackingNo!;
            Assert.Contains(number, pages[i], StringComparison.Ordinal);
            Assert.Contains(order.OrderNo, pages[i], StringComparison.Ordinal);
            Assert.True(pages[i].Contains(order.ReceiverName!, StringComparison.Ordinal), $"{order.ReceiverName} not on page {i + 1}:\n{pages[i]}");
            Assert.Matches("[\u4e00-\u9fff]", order.ReceiverName!);
            Assert.Contains("山海仓储", pages[i], StringComparison.Ordinal);
            Assert.Contains("中通快递", pages[i], StringComparison.Ordinal);
            Assert.DoesNotContain("重打", pages[i], StringComparison.Ordinal);
        }

        // A reprint of one order: marked on the label, counted, logged.
        var first = bySlot[0].OrderId;
        var (again, reprint) = await PrintAsync(new { orderIds = new[] { first } });
        Assert.Equal("1", again.Headers.GetValues("X-Labels-Reprinted").Single());
        Assert.Contains("重打", await PdfText.ReadAsync(reprint), StringComparison.Ordinal);
        await using (var db = Session.OpenDb())
        {
            Assert.Equal(2, await db.Set<Waybill>().Where(w => w.OrderId == first).Select(w => w.Prints).SingleAsync());
            var actions = await db.Set<AuditEntry>().Where(a => a.EntityType == "waybill").OrderBy(a => a.At).Select(a => a.Action).ToListAsync();
            Assert.Equal(["print", "reprint"], actions);
        }

        // An intercepted order is left out of the wave's labels.
        await Session.PostAsync<JsonElement>("/api/v1/orders/intercept", new { orderIds = new[] { first }, reason = "买家退款" });
        var (withoutIntercepted, rest) = await PrintAsync(new { waveId = wave.Id });
        Assert.Equal("1", withoutIntercepted.Headers.GetValues("X-Labels-Skipped").Single());
        Assert.Equal(audited.Count - 1, PdfText.Pages(await PdfText.ReadAsync(rest)).Length);

        // The pick list: A4, by bin, the SKUs left to pick.
        using var pickList = await Session.Api.GetAsync(new Uri($"/api/v1/fulfillment/waves/{wave.Id}/pick-list.pdf", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, pickList.StatusCode);
        var text = await PdfText.ReadAsync(await pickList.Content.ReadAsByteArrayAsync());
        Assert.Contains("拣货单", text, StringComparison.Ordinal);
        Assert.Contains(wave.WaveNo, text, StringComparison.Ordinal);
        foreach (var line in detail.PickList.Where(l => l.Quantity > 0)) Assert.Contains(line.SkuCode, text, StringComparison.Ordinal);
        Assert.Contains("A-01-02", text, StringComparison.Ordinal);

        var bad = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/labels", new { }, HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("orderIds", out _));
    }

    [Fact]
    public async Task A_carriers_template_sets_its_labels_size_and_fields_and_packing_slips_list_each_orders_goods()
    {
        var (_, warehouse, audited) = await FulfillmentKit.AuditedAsync(Session, _kit, 3);
        await WaybillKit.SetUpAsync(Session, sandbox, warehouse, "ZTO");
        await Session.PostAsync<JsonElement>("/api/v1/orders/set-carrier", new { orderIds = audited.Select(o => o.Id), carrierCode = "ZTO" });
        await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = audited.Select(o => o.Id) });

        // Without a template: the built-in 100×150 mm with the order number.
        var (_, builtIn) = await PrintAsync(new { orderIds = new[] { audited[0].Id } });
        Assert.Equal((100d, 150d), await PdfText.PageSizeAsync(builtIn));

        // A template without the receiver is refused, naming the missing field; an unknown field and a size out of range too.
        var missing = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/label-templates",
            new { name = "小标签", widthMm = 76, heightMm = 130, fields = new[] { "carrier", "barcode", "sender" } }, HttpStatusCode.BadRequest);
        Assert.Equal("missing_required_field", missing.GetProperty("codes").GetProperty("fields")[0].GetString());
        Assert.Contains("receiver", missing.GetProperty("errors").GetProperty("fields")[0].GetString(), StringComparison.Ordinal);
        var odd = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/label-templates",
            new { name = "怪", widthMm = 20, heightMm = 130, fields = new[] { "carrier", "barcode", "receiver", "sender", "logo" } }, HttpStatusCode.BadRequest);
        Assert.Equal("out_of_range", odd.GetProperty("codes").GetProperty("widthMm")[0].GetString());
        Assert.Equal("unknown_field", odd.GetProperty("codes").GetProperty("fields[4]")[0].GetString());

        // ZTO's own: 76×130 mm without the order number; its labels print on it.
        var zto = await Session.PostAsync<Shelfbook.Fulfillment.Features.Printing.LabelTemplateView>("/api/v1/fulfillment/label-templates",
            new { name = "中通 76×130", widthMm = 76, heightMm = 130, fields = new[] { "carrier", "barcode", "receiver", "sender", "goods" }, carrierCode = "zto" },
            HttpStatusCode.Created);
        Assert.Equal("ZTO", zto.CarrierCode);
        Assert.Equal(["carrier", "barcode", "receiver", "sender", "goods"], zto.Fields);
        Assert.Equal("carrier_taken", (await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/label-templates",
            new { name = "中通 2", widthMm = 100, heightMm = 150, fields = LabelTemplate.RequiredFields, carrierCode = "ZTO" }, HttpStatusCode.BadRequest))
            .GetProperty("codes").GetProperty("carrierCode")[0].GetString());
        var (_, small) = await PrintAsync(new { orderIds = new[] { audited[0].Id } });
        Assert.Equal((76d, 130d), await PdfText.PageSizeAsync(small));
        var smallText = await PdfText.ReadAsync(small);
        Assert.DoesNotContain(audited[0].OrderNo, smallText, StringComparison.Ordinal);
        Assert.Contains(audited[0].ReceiverName!, smallText, StringComparison.Ordinal);
        Assert.Contains("品名", smallText, StringComparison.Ordinal);

        // A template chosen for the print wins over the carrier's; an unknown one is refused.
        var big = await Session.PostAsync<Shelfbook.Fulfillment.Features.Printing.LabelTemplateView>("/api/v1/fulfillment/label-templates",
            new { name = "100×180", widthMm = 100, heightMm = 180, fields = LabelTemplate.AllFields, isDefault = true }, HttpStatusCode.Created);
        var (_, tall) = await PrintAsync(new { orderIds = new[] { audited[0].Id }, templateId = big.Id });
        Assert.Equal((100d, 180d), await PdfText.PageSizeAsync(tall));
        Assert.Contains(audited[0].OrderNo, await PdfText.ReadAsync(tall), StringComparison.Ordinal);
        await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/labels", new { orderIds = new[] { audited[0].Id }, templateId = Guid.NewGuid() }, HttpStatusCode.BadRequest);
        // Without its own, ZTO prints on the default.
        using (var removed = await Session.Api.DeleteAsync(new Uri($"/api/v1/fulfillment/label-templates/{zto.Id}", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var (_, byDefault) = await PrintAsync(new { orderIds = new[] { audited[0].Id } });
        Assert.Equal((100d, 180d), await PdfText.PageSizeAsync(byDefault));

        // ZPL for a Zebra printer: a label per order on the template's size, the number as the printer's own Code 128.
        var zpl = await Session.Api.PostAsJsonAsync(new Uri("/api/v1/fulfillment/labels", UriKind.Relative), new { orderIds = audited.Select(o => o.Id), format = "zpl" });
        Assert.Equal(HttpStatusCode.OK, zpl.StatusCode);
        var program = await zpl.Content.ReadAsStringAsync();
        Assert.Equal(audited.Count, System.Text.RegularExpressions.Regex.Count(program, @"\^XA"));
        Assert.Contains("^PW800^LL1440", program, StringComparison.Ordinal);
        Assert.Contains("^CI28", program, StringComparison.Ordinal);
        await using (var zdb = Session.OpenDb())
            foreach (var order in audited)
            {
                var number = await zdb.Set<Waybill>().Where(w => w.OrderId == order.Id).Select(w => w.TrackingNo!).SingleAsync();
                Assert.Contains($"^BCN,", program, StringComparison.Ordinal);
                Assert.Contains($"^FD{number}^FS", program, StringComparison.Ordinal);
                Assert.Contains(order.ReceiverName!, program, StringComparison.Ordinal);
            }
        await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/labels", new { orderIds = new[] { audited[0].Id }, format = "bmp" }, HttpStatusCode.BadRequest);

        // 发货单: an A4 page per order with its number, receiver, tracking number and goods.
        var slips = await Session.Api.PostAsJsonAsync(new Uri("/api/v1/fulfillment/packing-slips", UriKind.Relative), new { orderIds = audited.Select(o => o.Id).Append(Guid.NewGuid()) });
        Assert.Equal(HttpStatusCode.OK, slips.StatusCode);
        Assert.Equal((audited.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "1"),
            (slips.Headers.GetValues("X-Slips-Printed").Single(), slips.Headers.GetValues("X-Slips-Skipped").Single()));
        var slipPdf = await slips.Content.ReadAsByteArrayAsync();
        Assert.Equal((210d, 297d), await PdfText.PageSizeAsync(slipPdf));
        var slipPages = PdfText.Pages(await PdfText.ReadAsync(slipPdf));
        Assert.Equal(audited.Count, slipPages.Length);
        await using var db = Session.OpenDb();
        for (var i = 0; i < audited.Count; i++)
        {
            Assert.Contains(audited[i].OrderNo, slipPages[i], StringComparison.Ordinal);
            Assert.Contains(audited[i].ReceiverName!, slipPages[i], StringComparison.Ordinal);
            Assert.Contains(await db.Set<Waybill>().Where(w => w.OrderId == audited[i].Id).Select(w => w.TrackingNo!).SingleAsync(), slipPages[i], StringComparison.Ordinal);
            foreach (var code in await db.Set<OrderItem>().Where(it => it.OrderId == audited[i].Id).Select(it => it.SkuCode).Distinct().ToListAsync())
                Assert.Contains(code, slipPages[i], StringComparison.Ordinal);
            Assert.Contains("发货单", slipPages[i], StringComparison.Ordinal);
        }
    }
}

public sealed class PrintTestsOnSqlite(SqliteApp app, Sandbox sandbox) : PrintTests(app, sandbox);

public sealed class PrintTestsOnPostgres(PostgresApp app, Sandbox sandbox) : PrintTests(app, sandbox);
