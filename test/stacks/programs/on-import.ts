/** A program that registers its resources when imported (a classic Pulumi program). */
import * as pulumi from "@pulumi/pulumi";
import { Thing } from "./thing";

new Thing("on-import", { stack: pulumi.getStack() });
