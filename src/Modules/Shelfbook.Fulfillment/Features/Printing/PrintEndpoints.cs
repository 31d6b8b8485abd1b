using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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
                return TypedResults.File(printed.Pdf, "application/pdf", "labels.pdf");
            })
            .WithSummary("面单 PDF (100×150 mm, Code 128, Chinese embedded): a wave's labels in slot order (waveId) or chosen orders' (orderIds); orders without a "
                         + "live waybill, intercepted or shipped are left out (counted in X-Labels-Skipped); a second print is a reprint, marked and logged")
            .RequirePermission(FulfillmentPermissions.Print);
        print.MapGet("/waves/{id:guid}/labels.pdf", async (Guid id, PrintLabels handler, CancellationToken ct) =>
                TypedResults.File((await handler.LabelsAsync(new PrintLabelsRequest(WaveId: id), ct)).Pdf, "application/pdf", "labels.pdf"))
            .WithSummary("A wave's labels as one PDF in slot order (the same print as POST /labels with the wave; counted and logged), for a browser tab to print")
            .RequirePermission(FulfillmentPermissions.Print);
        print.MapGet("/waves/{id:guid}/pick-list.pdf", async (Guid id, PrintLabels handler, CancellationToken ct) =>
            {
                var (pdf, waveNo) = await handler.PickListAsync(id, ct);
                return TypedResults.File(pdf, "application/pdf", $"pick-list-{waveNo}.pdf");
            })
            .WithSummary("A wave's pick list as A4 PDF, by bin").RequirePermission(FulfillmentPermissions.Print);
    }
}
