using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class Waybills : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sender_addresses",
                columns: table => new
                {
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    phone = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    province = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    city = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    district = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    address = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sender_addresses", x => x.warehouse_id);
                });

            migrationBuilder.CreateTable(
                name: "waybill_accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    carrier_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    api_url = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    app_key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    protected_secret = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    customer_code = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_waybill_accounts", x => x.id);
                    table.ForeignKey(
                        name: "fk_waybill_accounts_carriers_carrier_id",
                        column: x => x.carrier_id,
                        principalTable: "carriers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "waybills",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_no = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    carrier_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    reference = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    tracking_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    requested_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    issued_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    cancelled_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    requested_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    prints = table.Column<int>(type: "INTEGER", nullable: false),
                    printed_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_waybills", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_waybill_accounts_carrier_id",
                table: "waybill_accounts",
                column: "carrier_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_waybills_order_live",
                table: "waybills",
                column: "order_id",
                unique: true,
                filter: "status <> 'Cancelled'");

            migrationBuilder.CreateIndex(
                name: "ix_waybills_reference",
                table: "waybills",
                column: "reference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_waybills_tracking_no",
                table: "waybills",
                column: "tracking_no",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sender_addresses");

            migrationBuilder.DropTable(
                name: "waybill_accounts");

            migrationBuilder.DropTable(
                name: "waybills");
        }
    }
}
