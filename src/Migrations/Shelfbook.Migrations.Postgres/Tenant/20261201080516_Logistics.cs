using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
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
                type: "character varying(120)",
                maxLength: 120,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "carrier_service_id",
                table: "orders",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "carrier_rules",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    warehouse_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    shop_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    destinations = table.Column<List<string>>(type: "text[]", nullable: false),
                    weight_min = table.Column<int>(type: "integer", nullable: true),
                    weight_max = table.Column<int>(type: "integer", nullable: true),
                    paid_min = table.Column<long>(type: "bigint", nullable: true),
                    paid_max = table.Column<long>(type: "bigint", nullable: true),
                    service_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    strategy = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_carrier_rules", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "carriers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    normalized_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    cross_border = table.Column<bool>(type: "boolean", nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_carriers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "order_estimates",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    weight_grams = table.Column<long>(type: "bigint", nullable: false),
                    volume_mm3 = table.Column<long>(type: "bigint", nullable: false),
                    chargeable_grams = table.Column<long>(type: "bigint", nullable: false),
                    freight = table.Column<long>(type: "bigint", nullable: true),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    service_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    problem = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    carrier_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    volumetric_divisor = table.Column<int>(type: "integer", nullable: true),
                    warehouse_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    service_id = table.Column<Guid>(type: "uuid", nullable: false),
                    warehouse_id = table.Column<Guid>(type: "uuid", nullable: true),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    table_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    destinations = table.Column<List<string>>(type: "text[]", nullable: false),
                    first_grams = table.Column<int>(type: "integer", nullable: false),
                    first_price = table.Column<long>(type: "bigint", nullable: false),
                    step_grams = table.Column<int>(type: "integer", nullable: false),
                    step_price = table.Column<long>(type: "bigint", nullable: false),
                    min_charge = table.Column<long>(type: "bigint", nullable: false),
                    max_grams = table.Column<int>(type: "integer", nullable: true)
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
