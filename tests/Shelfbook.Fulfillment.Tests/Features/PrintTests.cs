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
}

public sealed class PrintTestsOnSqlite(SqliteApp app, Sandbox sandbox) : PrintTests(app, sandbox);

public sealed class PrintTestsOnPostgres(PostgresApp app, Sandbox sandbox) : PrintTests(app, sandbox);
