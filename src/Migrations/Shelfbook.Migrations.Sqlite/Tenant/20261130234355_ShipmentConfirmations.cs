using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class ShipmentConfirmations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "shipment_confirmations",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    shop_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    platform_order_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    platform_line_ids = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    tracking_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    carrier_code = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    lease_until = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    accepted_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shipment_confirmations", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_shipment_confirmations_shop_id_platform_order_id_tracking_no",
                table: "shipment_confirmations",
                columns: new[] { "shop_id", "platform_order_id", "tracking_no" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_shipment_confirmations_state_next_attempt_at",
                table: "shipment_confirmations",
                columns: new[] { "state", "next_attempt_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "shipment_confirmations");
        }
    }
}
