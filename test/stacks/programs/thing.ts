/** A custom resource of a made-up type, for test programs. */
import * as pulumi from "@pulumi/pulumi";

export class Thing extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs = {}, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, props, opts);
  }
}
