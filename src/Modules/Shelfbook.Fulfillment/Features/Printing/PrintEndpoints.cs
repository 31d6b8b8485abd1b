using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Fulfillment.Features.Printing;

internal static class PrintEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        var print = group.MapGroup("/").WithTags("Printing 打印");
        print.MapPost("/labels", async (PrintLabelsRequest request, PrintLabels handler, HttpResponse response, CancellationToken ct) =>
            {
                var printed = await handler.LabelsAsync(request, ct);
                // What the PDF holds and left out, for a station that prints it straight away.
                response.Headers["X-Labels-Printed"] = printed.Printed.ToString(System.Globalization.CultureInfo.InvariantCulture);
                response.Headers["X-Labels-Reprinted"] = printed.Reprinted.ToString(System.Globalization.CultureInfo.InvariantCulture);
                response.Headers["X-Labels-Skipped"] = printed.Skipped.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.File(printed.Pdf, printed.ContentType, printed.FileName);
            })
            .WithSummary("面单 PDF (the carrier's template, else the default, else 100×150 mm; Code 128, Chinese embedded), or ZPL II for a Zebra printer "
                         + "(format: zpl): a wave's labels in slot order (waveId) or chosen orders' (orderIds), templateId to choose one; orders without a "
                         + "live waybill, intercepted or shipped are left out (counted in X-Labels-Skipped); a second print is a reprint, marked and logged")
            .RequirePermission(FulfillmentPermissions.Print);
        print.MapGet("/waves/{id:guid}/labels.pdf", async (Guid id, PrintLabels handler, CancellationToken ct) =>
                TypedResults.File((await handler.LabelsAsync(new PrintLabelsRequest(WaveId: id), ct)).Pdf, "application/pdf", "labels.pdf"))
            .WithSummary("A wave's labels as one PDF in slot order (the same print as POST /labels with the wave; counted and logged), for a browser tab to print")
            .RequirePermission(FulfillmentPermissions.Print);
        print.MapPost("/packing-slips", async (PackingSlipsRequest request, PrintLabels handler, HttpResponse response, CancellationToken ct) =>
            {
                var (pdf, printed, skipped) = await handler.PackingSlipsAsync(request, ct);
                response.Headers["X-Slips-Printed"] = printed.ToString(System.Globalization.CultureInfo.InvariantCulture);
                response.Headers["X-Slips-Skipped"] = skipped.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.File(pdf, "application/pdf", "packing-slips.pdf");
            })
            .WithSummary("发货单 (packing slips) as A4 PDF, one per order: a wave's in slot order (waveId) or chosen orders' (orderIds), with the items, bins and remarks")
            .RequirePermission(FulfillmentPermissions.Print);
        print.MapGet("/waves/{id:guid}/packing-slips.pdf", async (Guid id, PrintLabels handler, CancellationToken ct) =>
                TypedResults.File((await handler.PackingSlipsAsync(new PackingSlipsRequest(WaveId: id), ct)).Pdf, "application/pdf", "packing-slips.pdf"))
            .WithSummary("A wave's packing slips as one A4 PDF in slot order, for a browser tab to print").RequirePermission(FulfillmentPermissions.Print);
        var templates = group.MapGroup("/label-templates").WithTags("Printing 打印");
        templates.MapGet("/", (LabelTemplates handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("面单模板: label sizes and fields (the default first)").RequirePermission(FulfillmentPermissions.Print);
        templates.MapPost("/", async (LabelTemplateInput input, LabelTemplates handler, CancellationToken ct) =>
                TypedResults.Created($"/api/v1/fulfillment/label-templates", await handler.CreateAsync(input, ct)))
            .WithSummary("A label template: name, widthMm (50-210), heightMm (50-300), fields (carrier, barcode, receiver and sender required; slot, order, goods, "
                         + "weight, remark), carrierCode (its labels print on it), isDefault").RequirePermission(FulfillmentPermissions.Print);
        templates.MapPut("/{id:guid}", (Guid id, LabelTemplateInput input, LabelTemplates handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Change a label template").RequirePermission(FulfillmentPermissions.Print);
        templates.MapDelete("/{id:guid}", async (Guid id, LabelTemplates handler, CancellationToken ct) =>
            {
                await handler.DeleteAsync(id, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Remove a label template (its carrier's labels print on the default again)").RequirePermission(FulfillmentPermissions.Print);
        print.MapGet("/waves/{id:guid}/pick-list.pdf", async (Guid id, PrintLabels handler, CancellationToken ct) =>
            {
                var (pdf, waveNo) = await handler.PickListAsync(id, ct);
                return TypedResults.File(pdf, "application/pdf", $"pick-list-{waveNo}.pdf");
            })
            .WithSummary("A wave's pick list as A4 PDF, by bin").RequirePermission(FulfillmentPermissions.Print);
    }
}
