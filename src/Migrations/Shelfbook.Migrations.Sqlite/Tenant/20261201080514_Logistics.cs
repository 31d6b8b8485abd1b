using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class Logistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "carrier_by",
                table: "orders",
                type: "TEXT",
                maxLength: 120,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "carrier_service_id",
                table: "orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "carrier_rules",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    priority = table.Column<int>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    warehouse_ids = table.Column<string>(type: "TEXT", nullable: false),
                    shop_ids = table.Column<string>(type: "TEXT", nullable: false),
                    destinations = table.Column<string>(type: "TEXT", nullable: false),
                    weight_min = table.Column<int>(type: "INTEGER", nullable: true),
                    weight_max = table.Column<int>(type: "INTEGER", nullable: true),
                    paid_min = table.Column<long>(type: "INTEGER", nullable: true),
                    paid_max = table.Column<long>(type: "INTEGER", nullable: true),
                    service_ids = table.Column<string>(type: "TEXT", nullable: false),
                    strategy = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_carrier_rules", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "carriers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    normalized_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    cross_border = table.Column<bool>(type: "INTEGER", nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_carriers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "order_estimates",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    weight_grams = table.Column<long>(type: "INTEGER", nullable: false),
                    volume_mm3 = table.Column<long>(type: "INTEGER", nullable: false),
                    chargeable_grams = table.Column<long>(type: "INTEGER", nullable: false),
                    freight = table.Column<long>(type: "INTEGER", nullable: true),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    service_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    problem = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_estimates", x => x.order_id);
                    table.ForeignKey(
                        name: "fk_order_estimates_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "carrier_services",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    carrier_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    volumetric_divisor = table.Column<int>(type: "INTEGER", nullable: true),
                    warehouse_ids = table.Column<string>(type: "TEXT", nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_carrier_services", x => x.id);
                    table.ForeignKey(
                        name: "fk_carrier_services_carriers_carrier_id",
                        column: x => x.carrier_id,
                        principalTable: "carriers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "rate_tables",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    service_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rate_tables", x => x.id);
                    table.ForeignKey(
                        name: "fk_rate_tables_carrier_services_service_id",
                        column: x => x.service_id,
                        principalTable: "carrier_services",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "rate_zones",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    table_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    destinations = table.Column<string>(type: "TEXT", nullable: false),
                    first_grams = table.Column<int>(type: "INTEGER", nullable: false),
                    first_price = table.Column<long>(type: "INTEGER", nullable: false),
                    step_grams = table.Column<int>(type: "INTEGER", nullable: false),
                    step_price = table.Column<long>(type: "INTEGER", nullable: false),
                    min_charge = table.Column<long>(type: "INTEGER", nullable: false),
                    max_grams = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rate_zones", x => x.id);
                    table.ForeignKey(
                        name: "fk_rate_zones_rate_tables_table_id",
                        column: x => x.table_id,
                        principalTable: "rate_tables",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_carrier_services_carrier_id_code",
                table: "carrier_services",
                columns: new[] { "carrier_id", "code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_carriers_normalized_code",
                table: "carriers",
                column: "normalized_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_rate_tables_service_id_warehouse_id",
                table: "rate_tables",
                columns: new[] { "service_id", "warehouse_id" });

            migrationBuilder.CreateIndex(
                name: "ix_rate_zones_table_id_position",
                table: "rate_zones",
                columns: new[] { "table_id", "position" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "carrier_rules");

            migrationBuilder.DropTable(
                name: "order_estimates");

            migrationBuilder.DropTable(
                name: "rate_zones");

            migrationBuilder.DropTable(
                name: "rate_tables");

            migrationBuilder.DropTable(
                name: "carrier_services");

            migrationBuilder.DropTable(
                name: "carriers");

            migrationBuilder.DropColumn(
                name: "carrier_by",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "carrier_service_id",
                table: "orders");
        }
    }
}
