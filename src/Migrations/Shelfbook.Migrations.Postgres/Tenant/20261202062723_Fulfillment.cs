using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class Fulfillment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "shipped_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tracking_no",
                table: "orders",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true,
                collation: "C");

            migrationBuilder.CreateTable(
                name: "order_shipments",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tracking_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    carrier_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    shipped_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_shipments", x => x.order_id);
                    table.ForeignKey(
                        name: "fk_order_shipments_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "parcels",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_no = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    warehouse_id = table.Column<Guid>(type: "uuid", nullable: true),
                    carrier_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    tracking_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    mode = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    weight_grams = table.Column<int>(type: "integer", nullable: true),
                    shipped_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    shipped_by_id = table.Column<Guid>(type: "uuid", nullable: true),
                    shipped_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    write_back = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    write_back_problem = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_parcels", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_orders_tracking_no",
                table: "orders",
                column: "tracking_no");

            migrationBuilder.CreateIndex(
                name: "ix_parcels_order_id",
                table: "parcels",
                column: "order_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_parcels_shipped_at_id",
                table: "parcels",
                columns: new[] { "shipped_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_parcels_tracking_no",
                table: "parcels",
                column: "tracking_no",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_shipments");

            migrationBuilder.DropTable(
                name: "parcels");

            migrationBuilder.DropIndex(
                name: "ix_orders_tracking_no",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "shipped_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "tracking_no",
                table: "orders");
        }
    }
}
